//go:build ignore
// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netexplore's probe: records what one process tree asks the kernel to do
 * over ioctl, netlink, /proc/sys and exec, and nothing from anyone else.
 *
 * Userspace puts the root process's PID into the `traced` map before that
 * process runs; the fork hook adds every child, the exit hook removes them.
 * Each syscall hook first checks the caller's tgid against `traced`, so the
 * cost for every other process is one hash lookup.
 *
 * Syscalls are recorded at exit, when the return value is known and replies
 * are in user memory; the arguments are read back from the registers the
 * task entered the kernel with (exit_args). execve is the exception: its
 * arguments vanish with the old image, so they are recorded at entry.
 *
 * Events are assembled in a per-CPU scratch buffer (a payload can be up to
 * DATA_MAX bytes, too large for the BPF stack) and copied to the `events`
 * ring buffer, whose single producer order is the order the learner sees.
 * A full ring buffer never drops silently: the `stats` map counts losses.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "netexplore.h"

char __license[] SEC("license") = "Dual BSD/GPL";

/* Capture the user stack of each syscall (set by userspace before load). */
const volatile bool capture_stacks = true;
/* Per-event payload copy limit, at most DATA_MAX (set by userspace before load). */
const volatile __u32 data_limit = DATA_MAX;
/* Wake the reader only once this many bytes wait in the ring buffer (set by
 * userspace before load). Waking it for every event would cost a context
 * switch per syscall; the reader also polls on a short timer. */
const volatile __u32 wakeup_bytes = 256 << 10;

#define MAX_IOV 16
#define MAX_ARGS 32
#define ARG_MAX_LEN 256
#define SYSCTL_PATH_MAX 128
#define SYSCTL_DATA_MAX 4096
#define IFREQ_SIZE 40

/* Socket ioctls (linux/sockios.h) live in 0x8900-0x89ff. */
#define SOCKIOS_TYPE 0x89
/* Step markers issued by the runner: ioctl(-1, 0x4e58xxxx, 0). */
#define MARKER_MAGIC 0x4e58

enum stat_index {
	STAT_LOST = 0,   /* events dropped because the ring buffer was full */
	STAT_FAULTS = 1, /* user memory copies that failed */
	STAT_MAX,
};

struct scratch {
	struct event ev;
	__u8 data[2 * DATA_MAX]; /* twice the limit so masked offsets stay in bounds */
};

struct inflight {
	__u64 args[6];
	__u64 ip, bp; /* user registers where a stack walk starts */
	__u32 syscall;
	__u32 pad;
};

struct fd_key {
	__u32 tgid;
	__s32 fd;
};

struct sysctl_file {
	char path[SYSCTL_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20); /* resized by userspace */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);  /* tgid */
	__type(value, __u8); /* 1 */
} traced SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32); /* tid */
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct fd_key);
	__type(value, struct sysctl_file);
} sysctl_fds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* one per possible CPU, set by userspace */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* Force BTF for the event type so bpf2go can generate NetexploreEvent. */
const struct event *unused_event __attribute__((unused));

static __always_inline void count(__u32 index)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &index);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline bool is_traced(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	return bpf_map_lookup_elem(&traced, &tgid) != 0;
}

/* Remembers the first nargs arguments of the calling thread's syscall until
 * its exit. nargs must be the syscall's real argument count: the kernel
 * refuses a program that reads past the end of a tracepoint's record. */
static __always_inline void stash(struct syscall_enter_ctx *ctx, __u32 syscall, int nargs)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	/* Each argument is read with its own constant offset: the verifier
	 * rejects context reads through a computed pointer. */
	struct inflight in = {.syscall = syscall};
	in.args[0] = ctx->args[0];
	if (nargs > 1)
		in.args[1] = ctx->args[1];
	if (nargs > 2)
		in.args[2] = ctx->args[2];
	if (nargs > 3)
		in.args[3] = ctx->args[3];
	if (nargs > 4)
		in.args[4] = ctx->args[4];
	if (nargs > 5)
		in.args[5] = ctx->args[5];
	bpf_map_update_elem(&inflight, &tid, &in, BPF_ANY);
}

/* Takes the stashed arguments of the calling thread's syscall, if any. */
static __always_inline bool unstash(struct inflight *out, __u32 syscall)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *in = bpf_map_lookup_elem(&inflight, &tid);
	if (!in)
		return false;
	bool match = in->syscall == syscall;
	if (match)
		__builtin_memcpy(out, in, sizeof(*out));
	bpf_map_delete_elem(&inflight, &tid);
	return match;
}

/* The part of x86-64's struct pt_regs from bp to ip, in the kernel's order
 * (fixed by the syscall entry code): one read fetches the arguments and the
 * two registers a stack walk starts from. */
struct regs_bp_to_ip {
	__u64 bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip;
};

/* Reads the registers the calling task entered the kernel with: the
 * syscall arguments (di, si, dx, r10, r8, r9) and ip/bp for the stack. */
static __always_inline bool read_regs(struct inflight *out)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	struct regs_bp_to_ip r;
	if (!regs || bpf_probe_read_kernel(&r, sizeof(r), &regs->bp))
		return false;
	out->args[0] = r.di;
	out->args[1] = r.si;
	out->args[2] = r.dx;
	out->args[3] = r.r10;
	out->args[4] = r.r8;
	out->args[5] = r.r9;
	out->ip = r.ip;
	out->bp = r.bp;
	return true;
}

/* Reads the calling thread's syscall arguments at syscall exit, if it is
 * traced. The registers the task entered the kernel with are still saved in
 * its pt_regs, so exit hooks need no entry hook and no map round trip: that
 * halves the cost of tracing a syscall. execve is the exception (a
 * successful exec replaces the registers), see enter_execve. */
static __always_inline bool exit_args(struct inflight *out)
{
	return is_traced() && read_regs(out);
}

static __always_inline struct scratch *this_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&scratch, &cpu);
}

static __always_inline struct scratch *begin_event(__u8 kind, __u16 syscall)
{
	struct scratch *s = this_scratch();
	if (!s)
		return 0;
	struct event *e = &s->ev;
	struct task_struct *task = (void *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();

	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = 0; /* set by fork events only */
	e->netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	e->kind = kind;
	e->flags = 0;
	e->syscall = syscall;
	e->fd = -1;
	e->ret = 0;
	e->args[0] = 0;
	e->args[1] = 0;
	e->args[2] = 0;
	e->args[3] = 0;
	e->sock_ino = 0;
	e->sock_family = 0;
	e->sock_type = 0;
	e->sock_proto = 0;
	e->stack_len = 0;
	e->data_len = 0;
	e->copied = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return s;
}

/* Fills the socket fields from the struct sock behind fd, so the protocol is
 * known even for sockets created before tracing began or never bound. The
 * event's netns becomes the socket's own: a socket opened inside a container
 * namespace acts there, whichever namespace the calling thread is in now. */
static __always_inline void fill_socket(struct event *e, int fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = 0;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return;
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	if ((BPF_CORE_READ(inode, i_mode) & S_IFMT) != S_IFSOCK)
		return;
	struct socket *sock = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	e->sock_ino = BPF_CORE_READ(inode, i_ino);
	e->sock_family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sock_type = BPF_CORE_READ(sk, sk_type);
	e->sock_proto = BPF_CORE_READ(sk, sk_protocol);
	__u32 netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (netns)
		e->netns = netns;
}

/* Copies up to len bytes of user memory to the payload at off; returns the
 * number of bytes copied (less than len when the limit is reached). */
static __always_inline __u32 copy_user(struct scratch *s, __u32 off, const void *src, __u64 len)
{
	__u32 limit = data_limit;
	if (limit > DATA_MAX)
		limit = DATA_MAX;
	if (off >= limit || off >= DATA_MAX)
		return 0;
	__u64 n = len;
	if (n > limit - off)
		n = limit - off;
	if (n == 0 || n > DATA_MAX)
		return 0;
	if (bpf_probe_read_user(&s->data[off], n, src)) {
		s->ev.flags |= EVF_READ_FAULT;
		count(STAT_FAULTS);
		return 0;
	}
	return n;
}

/* Copies a NUL-terminated user string (NUL included) to the payload at off. */
static __always_inline __u32 copy_user_str(struct scratch *s, __u32 off, const void *src, __u32 max)
{
	if (off >= DATA_MAX - ARG_MAX_LEN)
		return 0;
	if (max > ARG_MAX_LEN)
		max = ARG_MAX_LEN;
	long n = bpf_probe_read_user_str(&s->data[off], max, src);
	if (n <= 0) {
		s->ev.flags |= EVF_READ_FAULT;
		return 0;
	}
	return n;
}

/* State of a bpf_loop over an iovec array. bpf_loop verifies the body once
 * instead of once per iteration, which keeps the verifier's work small. */
struct iov_walk {
	struct iovec *iov;
	__u64 iovlen;
	__u64 total; /* bytes still to copy */
	__u64 sum;   /* sum of iov_len seen */
	__u32 off;   /* payload bytes written */
	bool copy;
};

static long iov_step(__u64 i, struct iov_walk *w)
{
	if (i >= w->iovlen)
		return 1;
	struct iovec v;
	if (bpf_probe_read_user(&v, sizeof(v), &w->iov[i]))
		return 1;
	w->sum += v.iov_len;
	if (!w->copy)
		return 0;
	if (w->total == 0)
		return 1;
	struct scratch *s = this_scratch();
	if (!s)
		return 1;
	__u64 n = v.iov_len;
	if (n > w->total)
		n = w->total;
	w->off += copy_user(s, w->off, v.iov_base, n);
	w->total -= n;
	return 0;
}

/* Copies the iovecs of a msghdr, at most total bytes. */
static __always_inline __u32 copy_iovecs(struct iovec *iov, __u64 iovlen, __u64 total)
{
	struct iov_walk w = {.iov = iov, .iovlen = iovlen, .total = total, .copy = true};
	bpf_loop(MAX_IOV, iov_step, &w, 0);
	return w.off;
}

static __always_inline __u64 iovecs_len(struct iovec *iov, __u64 iovlen)
{
	struct iov_walk w = {.iov = iov, .iovlen = iovlen};
	bpf_loop(MAX_IOV, iov_step, &w, 0);
	return w.sum;
}

/* State of a bpf_loop walking the user stack's frame-pointer chain. */
struct fp_walk {
	__u64 fp;
	__u32 n;
};

static long fp_step(__u64 i, struct fp_walk *w)
{
	struct scratch *s = this_scratch();
	__u64 frame[2]; /* saved frame pointer, return address */
	if (!s || !w->fp || bpf_probe_read_user(frame, sizeof(frame), (const void *)w->fp))
		return 1;
	/* Index by the loop counter, not by a count kept in w: the verifier
	 * then checks this body once instead of once per iteration. */
	__u64 n = i + 1;
	if (n >= STACK_DEPTH)
		return 1;
	s->ev.stack[n] = frame[1];
	w->n = n + 1;
	if (frame[0] <= w->fp) /* the chain must climb the stack */
		return 1;
	w->fp = frame[0];
	return 0;
}

/* Records the user stack by following frame pointers from the registers the
 * task entered the kernel with. Go keeps frame pointers, so this names every
 * Go frame; it costs one user read per frame, several times less than
 * bpf_get_stack's generic unwinder on this workload. */
static __always_inline void user_stack(struct event *e, const struct inflight *regs)
{
	e->stack[0] = regs->ip;
	struct fp_walk w = {.fp = regs->bp, .n = 1};
	bpf_loop(STACK_DEPTH - 1, fp_step, &w, 0);
	e->stack_len = w.n * sizeof(__u64);
	e->flags |= EVF_STACK;
}

/* Sends the event; with regs (the registers read at syscall exit) it also
 * records the user stack. */
static __always_inline void submit(void *ctx, struct scratch *s, const struct inflight *regs)
{
	struct event *e = &s->ev;
	if (regs && capture_stacks)
		user_stack(e, regs);
	__u64 copied = e->copied;
	if (copied > DATA_MAX)
		copied = DATA_MAX;
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, s, sizeof(struct event) + copied, flags))
		count(STAT_LOST);
}

/* ---- process tree ------------------------------------------------------ */

/**
 * sched_process_fork: a traced task created a new process. The child joins
 * the traced set before it can run, so nothing it does is missed. Threads
 * share their process's tgid and need no entry of their own. The parent's
 * user stack is kept: it names the code that started a helper program.
 */
SEC("tp_btf/sched_process_fork")
int handle_fork(__u64 *ctx)
{
	struct task_struct *parent = (void *)ctx[0];
	struct task_struct *child = (void *)ctx[1];
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	if (!bpf_map_lookup_elem(&traced, &ptgid))
		return 0;
	__u32 cpid = BPF_CORE_READ(child, pid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	if (cpid != ctgid)
		return 0;
	__u8 one = 1;
	bpf_map_update_elem(&traced, &ctgid, &one, BPF_ANY);

	struct scratch *s = begin_event(EV_FORK, SC_NONE);
	if (!s)
		return 0;
	s->ev.ppid = ptgid;
	s->ev.args[0] = ctgid;
	/* The parent's stack says which line of code started the child. */
	struct inflight in;
	submit(ctx, s, read_regs(&in) ? &in : 0);
	return 0;
}

/**
 * sched_process_exit: the last thread of a traced process is gone. Watch
 * for helper processes (iptables, nft) ending: their exit closes their part
 * of the conversation.
 */
SEC("tracepoint/sched/sched_process_exit")
int handle_exit(struct sched_exit_ctx *ctx)
{
	if (!ctx->group_dead || !is_traced())
		return 0;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct scratch *s = begin_event(EV_EXIT, SC_NONE);
	if (s) {
		struct task_struct *task = (void *)bpf_get_current_task();
		s->ev.ret = BPF_CORE_READ(task, exit_code);
		submit(ctx, s, 0);
	}
	bpf_map_delete_elem(&traced, &tgid);
	return 0;
}

/* ---- ioctl ------------------------------------------------------------- */

/**
 * ioctl on sockets (SIOC*, SIOCBR*): the legacy way to create bridges and
 * set interface flags, addresses and MACs. The argument (an ifreq, or a
 * bridge name for SIOCBRADDBR) is read at exit so GET requests show the
 * kernel's answer. The runner's step markers (ioctl(-1, 0x4e58xxxx), which
 * fail with EBADF) are recorded too: they bracket each walkthrough step.
 */
SEC("tracepoint/syscalls/sys_exit_ioctl")
int exit_ioctl(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	__u32 cmd = (__u32)in.args[1];
	if (cmd >> 16 == MARKER_MAGIC) {
		struct scratch *m = begin_event(EV_MARKER, SC_IOCTL);
		if (m) {
			m->ev.args[0] = cmd;
			submit(ctx, m, 0);
		}
		return 0;
	}
	if (cmd >> 8 != SOCKIOS_TYPE)
		return 0;
	struct scratch *s = begin_event(EV_IOCTL, SC_IOCTL);
	if (!s)
		return 0;
	s->ev.fd = in.args[0];
	s->ev.ret = ctx->ret;
	s->ev.args[0] = (__u32)in.args[1];
	fill_socket(&s->ev, in.args[0]);
	const void *arg = (const void *)in.args[2];
	__u32 n = copy_user(s, 0, arg, IFREQ_SIZE);
	if (!n) /* a bare name near the end of a mapping */
		n = copy_user(s, 0, arg, 16);
	s->ev.copied = n;
	s->ev.data_len = n;
	submit(ctx, s, &in);
	return 0;
}

/* ---- sockets ------------------------------------------------------------ */

/**
 * socket(): which family, type and protocol a tool opens. For netlink the
 * protocol picks the subsystem: NETLINK_ROUTE for links and addresses,
 * NETLINK_NETFILTER for nf_tables.
 */
SEC("tracepoint/syscalls/sys_exit_socket")
int exit_socket(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_event(EV_SOCKET, SC_SOCKET);
	if (!s)
		return 0;
	s->ev.ret = ctx->ret;
	s->ev.fd = ctx->ret;
	s->ev.args[0] = in.args[0];
	s->ev.args[1] = in.args[1];
	s->ev.args[2] = in.args[2];
	if (ctx->ret >= 0)
		fill_socket(&s->ev, ctx->ret);
	submit(ctx, s, &in);
	return 0;
}

/* bind() and connect(): the sockaddr, e.g. sockaddr_nl with multicast groups. */
static __always_inline int exit_sockaddr(struct syscall_exit_ctx *ctx, __u8 kind, __u16 syscall)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_event(kind, syscall);
	if (!s)
		return 0;
	s->ev.fd = in.args[0];
	s->ev.ret = ctx->ret;
	fill_socket(&s->ev, in.args[0]);
	__u64 len = in.args[2];
	if (len > 128)
		len = 128;
	s->ev.data_len = in.args[2];
	s->ev.copied = copy_user(s, 0, (const void *)in.args[1], len);
	submit(ctx, s, &in);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int exit_bind(struct syscall_exit_ctx *ctx)
{
	return exit_sockaddr(ctx, EV_BIND, SC_BIND);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int exit_connect(struct syscall_exit_ctx *ctx)
{
	return exit_sockaddr(ctx, EV_CONNECT, SC_CONNECT);
}

/**
 * setsockopt()/getsockopt(): netlink socket options (extended ACKs, strict
 * checking, multicast groups) and, with iptables-legacy, the whole rule
 * table written with IPT_SO_SET_REPLACE.
 */
SEC("tracepoint/syscalls/sys_exit_setsockopt")
int exit_setsockopt(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_event(EV_SETSOCKOPT, SC_SETSOCKOPT);
	if (!s)
		return 0;
	s->ev.fd = in.args[0];
	s->ev.ret = ctx->ret;
	s->ev.args[0] = in.args[1]; /* level */
	s->ev.args[1] = in.args[2]; /* optname */
	fill_socket(&s->ev, in.args[0]);
	s->ev.data_len = (__u32)in.args[4];
	s->ev.copied = copy_user(s, 0, (const void *)in.args[3], (__u32)in.args[4]);
	submit(ctx, s, &in);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_getsockopt")
int exit_getsockopt(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_event(EV_GETSOCKOPT, SC_GETSOCKOPT);
	if (!s)
		return 0;
	s->ev.fd = in.args[0];
	s->ev.ret = ctx->ret;
	s->ev.args[0] = in.args[1];
	s->ev.args[1] = in.args[2];
	fill_socket(&s->ev, in.args[0]);
	__u32 optlen = 0;
	if (ctx->ret == 0 && !bpf_probe_read_user(&optlen, sizeof(optlen), (const void *)in.args[4])) {
		s->ev.data_len = optlen;
		s->ev.copied = copy_user(s, 0, (const void *)in.args[3], optlen);
	}
	submit(ctx, s, &in);
	return 0;
}

/**
 * sendto()/sendmsg() and recvfrom()/recvmsg() on netlink sockets: the
 * requests a tool sends (RTM_NEWLINK, nf_tables batches...) and the kernel's
 * replies (ACKs, errors with extended ACK messages, dump results). Sends on
 * packet sockets are recorded too (up to PACKET_MAX bytes): that is how a
 * container announces its address with a gratuitous ARP. Payloads of other
 * socket families are not recorded.
 */
static __always_inline struct scratch *begin_netlink_io(struct inflight *in, struct syscall_exit_ctx *ctx, __u8 kind, __u16 syscall)
{
	struct scratch *s = begin_event(kind, syscall);
	if (!s)
		return 0;
	s->ev.fd = in->args[0];
	s->ev.ret = ctx->ret;
	fill_socket(&s->ev, in->args[0]);
	if (s->ev.sock_family == AF_PACKET && kind == EV_SEND)
		return s;
	if (s->ev.sock_family != AF_NETLINK)
		return 0;
	return s;
}

/* The payload bytes kept of a packet-socket send: an ARP packet is 28. */
#define PACKET_MAX 128

/* payload_len caps what a send copies: whole netlink messages, the head of
 * a packet. */
static __always_inline __u64 payload_len(struct scratch *s, __u64 len)
{
	if (s->ev.sock_family == AF_PACKET && len > PACKET_MAX)
		return PACKET_MAX;
	return len;
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int exit_sendto(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_netlink_io(&in, ctx, EV_SEND, SC_SENDTO);
	if (!s)
		return 0;
	s->ev.args[0] = in.args[3]; /* flags */
	__u64 len = in.args[2];
	s->ev.data_len = len;
	s->ev.copied = copy_user(s, 0, (const void *)in.args[1], payload_len(s, len));
	submit(ctx, s, &in);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int exit_sendmsg(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_netlink_io(&in, ctx, EV_SEND, SC_SENDMSG);
	if (!s)
		return 0;
	s->ev.args[0] = in.args[2]; /* flags */
	struct user_msghdr msg;
	if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)in.args[1])) {
		s->ev.flags |= EVF_READ_FAULT;
	} else {
		__u64 total = iovecs_len(msg.msg_iov, msg.msg_iovlen);
		s->ev.data_len = total;
		s->ev.copied = copy_iovecs(msg.msg_iov, msg.msg_iovlen, payload_len(s, total));
	}
	submit(ctx, s, &in);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_recvfrom")
int exit_recvfrom(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_netlink_io(&in, ctx, EV_RECV, SC_RECVFROM);
	if (!s)
		return 0;
	s->ev.args[0] = in.args[3]; /* flags */
	if (ctx->ret > 0) {
		__u64 n = ctx->ret;
		if (n > in.args[2]) /* MSG_TRUNC reports the full length */
			n = in.args[2];
		s->ev.data_len = ctx->ret;
		s->ev.copied = copy_user(s, 0, (const void *)in.args[1], n);
	}
	submit(ctx, s, &in);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_recvmsg")
int exit_recvmsg(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct scratch *s = begin_netlink_io(&in, ctx, EV_RECV, SC_RECVMSG);
	if (!s)
		return 0;
	s->ev.args[0] = in.args[2]; /* flags */
	struct user_msghdr msg;
	if (ctx->ret > 0) {
		if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)in.args[1])) {
			s->ev.flags |= EVF_READ_FAULT;
		} else {
			s->ev.data_len = ctx->ret;
			s->ev.copied = copy_iovecs(msg.msg_iov, msg.msg_iovlen, ctx->ret);
		}
	}
	submit(ctx, s, &in);
	return 0;
}

/* ---- /proc/sys ------------------------------------------------------------ */

/**
 * openat() of /proc/sys/...: sysctls such as net.ipv4.ip_forward are files.
 * The fd is remembered so the following read() or write() can be shown as
 * `path = value`. Paths relative to a directory fd are not recognised.
 */
SEC("tracepoint/syscalls/sys_exit_openat")
int exit_openat(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	char prefix[10];
	if (bpf_probe_read_user(prefix, sizeof(prefix), (const void *)in.args[1]))
		return 0;
	if (prefix[0] != '/' || prefix[1] != 'p' || prefix[2] != 'r' || prefix[3] != 'o' ||
	    prefix[4] != 'c' || prefix[5] != '/' || prefix[6] != 's' || prefix[7] != 'y' ||
	    prefix[8] != 's' || prefix[9] != '/')
		return 0;
	struct scratch *s = begin_event(EV_OPEN, SC_OPENAT);
	if (!s)
		return 0;
	s->ev.ret = ctx->ret;
	s->ev.fd = ctx->ret;
	s->ev.args[0] = in.args[2]; /* flags */
	__u32 n = copy_user_str(s, 0, (const void *)in.args[1], SYSCTL_PATH_MAX);
	s->ev.copied = n;
	s->ev.data_len = n;
	if (ctx->ret >= 0 && n > 0) {
		struct fd_key key = {.tgid = s->ev.pid, .fd = ctx->ret};
		struct sysctl_file file = {};
		bpf_probe_read_kernel_str(file.path, sizeof(file.path), s->data);
		bpf_map_update_elem(&sysctl_fds, &key, &file, BPF_ANY);
	}
	submit(ctx, s, &in);
	return 0;
}

/* Payload of read/write events: the path, a NUL, then the bytes. */
static __always_inline int exit_sysctl_io(struct syscall_exit_ctx *ctx, __u8 kind, __u16 syscall)
{
	struct inflight in;
	if (!exit_args(&in))
		return 0;
	struct fd_key key = {.tgid = bpf_get_current_pid_tgid() >> 32, .fd = in.args[0]};
	struct sysctl_file *file = bpf_map_lookup_elem(&sysctl_fds, &key);
	if (!file)
		return 0;
	struct scratch *s = begin_event(kind, syscall);
	if (!s)
		return 0;
	s->ev.fd = in.args[0];
	s->ev.ret = ctx->ret;
	long n = bpf_probe_read_kernel_str(s->data, SYSCTL_PATH_MAX, file->path);
	__u32 off = n > 0 ? n : 0;
	__u64 len = kind == EV_WRITE ? in.args[2] : (ctx->ret > 0 ? ctx->ret : 0);
	if (len > SYSCTL_DATA_MAX)
		len = SYSCTL_DATA_MAX;
	__u32 copied = copy_user(s, off, (const void *)in.args[1], len);
	s->ev.data_len = off + (kind == EV_WRITE ? in.args[2] : len);
	s->ev.copied = off + copied;
	submit(ctx, s, &in);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_write")
int exit_write(struct syscall_exit_ctx *ctx)
{
	return exit_sysctl_io(ctx, EV_WRITE, SC_WRITE);
}

SEC("tracepoint/syscalls/sys_exit_read")
int exit_read(struct syscall_exit_ctx *ctx)
{
	return exit_sysctl_io(ctx, EV_READ, SC_READ);
}

SEC("tracepoint/syscalls/sys_enter_close")
int enter_close(struct syscall_enter_ctx *ctx)
{
	if (!is_traced())
		return 0;
	struct fd_key key = {.tgid = bpf_get_current_pid_tgid() >> 32, .fd = ctx->args[0]};
	bpf_map_delete_elem(&sysctl_fds, &key);
	return 0;
}

/**
 * dup2()/dup3(): `echo 1 > /proc/sys/...` in a shell opens the file and then
 * moves it onto fd 1 before writing, so the sysctl file follows the dup.
 */
static __always_inline int exit_dup(struct syscall_exit_ctx *ctx, __u32 syscall)
{
	struct inflight in;
	if (ctx->ret < 0 || !exit_args(&in))
		return 0;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct fd_key from = {.tgid = tgid, .fd = in.args[0]};
	struct fd_key to = {.tgid = tgid, .fd = ctx->ret};
	struct sysctl_file *file = bpf_map_lookup_elem(&sysctl_fds, &from);
	if (file)
		bpf_map_update_elem(&sysctl_fds, &to, file, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_dup2")
int exit_dup2(struct syscall_exit_ctx *ctx)
{
	return exit_dup(ctx, SC_DUP);
}

SEC("tracepoint/syscalls/sys_exit_dup3")
int exit_dup3(struct syscall_exit_ctx *ctx)
{
	return exit_dup(ctx, SC_DUP);
}

/* ---- exec --------------------------------------------------------------- */

struct argv_walk {
	const char *const *argv;
	__u32 off;
	int argc;
};

static long argv_step(__u64 i, struct argv_walk *w)
{
	const char *arg = 0;
	if (bpf_probe_read_user(&arg, sizeof(arg), &w->argv[i]) || !arg)
		return 1;
	struct scratch *s = this_scratch();
	if (!s)
		return 1;
	__u32 n = copy_user_str(s, w->off, arg, ARG_MAX_LEN);
	if (!n)
		return 1;
	w->off += n;
	w->argc++;
	return 0;
}

/**
 * execve(): a helper program starts (iptables, nft, ip, modprobe). Payload:
 * the filename, a NUL, then argv as NUL-terminated strings.
 */
SEC("tracepoint/syscalls/sys_enter_execve")
int enter_execve(struct syscall_enter_ctx *ctx)
{
	if (!is_traced())
		return 0;
	struct scratch *s = begin_event(EV_EXEC, SC_EXECVE);
	if (!s)
		return 0;
	struct argv_walk w = {.argv = (const char *const *)ctx->args[1]};
	w.off = copy_user_str(s, 0, (const void *)ctx->args[0], ARG_MAX_LEN);
	bpf_loop(MAX_ARGS, argv_step, &w, 0);
	__u32 off = w.off;
	int argc = w.argc;
	s->ev.args[0] = argc;
	s->ev.copied = off;
	s->ev.data_len = off;
	submit(ctx, s, 0);
	stash(ctx, SC_EXECVE, 3);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int exit_execve(struct syscall_exit_ctx *ctx)
{
	struct inflight in;
	if (!unstash(&in, SC_EXECVE))
		return 0;
	struct scratch *s = begin_event(EV_EXEC_RESULT, SC_EXECVE);
	if (!s)
		return 0;
	s->ev.ret = ctx->ret;
	submit(ctx, s, 0);
	return 0;
}
