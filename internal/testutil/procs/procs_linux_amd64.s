#include "textflag.h"

// func cloneChild(stack uintptr, j *job) (pid uintptr, errno uintptr)
//
// clone(CLONE_VM|SIGCHLD, stack): a new process that shares this one's
// memory but nothing else, and runs only the code below on its own small
// stack: it blocks every signal, closes job.close, then either opens a
// netlink socket or opens job.path and reads from it, then, if job.wait is
// not -1, reads one byte from it, and exits.
TEXT ·cloneChild(SB), NOSPLIT, $0-32
	MOVQ stack+0(FP), SI
	MOVQ j+8(FP), R12          // kept across syscalls
	MOVQ $0x111, DI            // CLONE_VM | SIGCHLD
	MOVQ $0, DX
	MOVQ $0, R10
	MOVQ $0, R8
	MOVQ $56, AX               // clone
	SYSCALL
	CMPQ AX, $0
	JEQ child
	CMPQ AX, $0xfffffffffffff001
	JLS ok
	NEGQ AX
	MOVQ $0, pid+16(FP)
	MOVQ AX, errno+24(FP)
	RET
ok:
	MOVQ AX, pid+16(FP)
	MOVQ $0, errno+24(FP)
	RET

child:
	// rt_sigprocmask(SIG_BLOCK, &all, NULL, 8), the mask on the stack.
	SUBQ $64, SP
	MOVQ $-1, 0(SP)
	MOVQ $0, DI
	MOVQ SP, SI
	MOVQ $0, DX
	MOVQ $8, R10
	MOVQ $14, AX
	SYSCALL
	// close(job.close)
	MOVQ 0(R12), DI
	MOVQ $3, AX
	SYSCALL
	MOVQ 8(R12), AX            // job.mode
	CMPQ AX, $1
	JEQ sysctl
	// socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)
	MOVQ $16, DI
	MOVQ $3, SI
	MOVQ $0, DX
	MOVQ $41, AX
	SYSCALL
	JMP wait
sysctl:
	// openat(AT_FDCWD, job.path, O_RDONLY), then read(fd, stack, 16)
	MOVQ $-100, DI
	MOVQ 16(R12), SI
	MOVQ $0, DX
	MOVQ $0, R10
	MOVQ $257, AX
	SYSCALL
	MOVQ AX, DI
	LEAQ 16(SP), SI
	MOVQ $16, DX
	MOVQ $0, AX
	SYSCALL
wait:
	MOVQ 24(R12), DI           // job.wait
	CMPQ DI, $-1
	JEQ exit
	LEAQ 16(SP), SI
	MOVQ $1, DX
	MOVQ $0, AX                // read
	SYSCALL
exit:
	MOVQ $0, DI
	MOVQ $231, AX              // exit_group
	SYSCALL
	INT $3
