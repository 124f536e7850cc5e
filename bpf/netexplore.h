/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The event record shared by the probe (netexplore.bpf.c) and its Go reader
 * (trace/probe_linux.go, through the bpf2go-generated NetexploreEvent type).
 * Every field has a fixed width and explicit padding so both sides agree on
 * the layout without packing.
 */
#ifndef __NETEXPLORE_H
#define __NETEXPLORE_H

/* What an event records. Mirrors trace.Kind; never renumber. */
enum event_kind {
	EV_IOCTL = 1,
	EV_SOCKET = 2,
	EV_BIND = 3,
	EV_CONNECT = 4,
	EV_SEND = 5,
	EV_RECV = 6,
	EV_SETSOCKOPT = 7,
	EV_OPEN = 8,
	EV_WRITE = 9,
	EV_READ = 10,
	EV_EXEC = 11,
	EV_EXEC_RESULT = 12,
	EV_FORK = 13,
	EV_EXIT = 14,
	EV_GETSOCKOPT = 15,
	EV_MARKER = 16,
};

/* Which syscall an event came from. Mirrors trace's syscall table. */
enum syscall_id {
	SC_NONE = 0,
	SC_IOCTL,
	SC_SOCKET,
	SC_BIND,
	SC_CONNECT,
	SC_SENDTO,
	SC_SENDMSG,
	SC_RECVFROM,
	SC_RECVMSG,
	SC_SETSOCKOPT,
	SC_GETSOCKOPT,
	SC_OPENAT,
	SC_WRITE,
	SC_READ,
	SC_EXECVE,
	SC_DUP, /* dup2/dup3: tracked, never reported */
};

/* event.flags */
#define EVF_STACK 0x01      /* stack[] holds stack_len bytes of user frames */
#define EVF_READ_FAULT 0x02 /* a user memory copy failed; data may be partial */

#define STACK_DEPTH 32
#define DATA_MAX 32768 /* per-event payload copy limit (bytes) */

struct event {
	__u64 ts_ns;      /* bpf_ktime_get_ns() */
	__u32 pid;        /* tgid */
	__u32 tid;        /* pid of the thread */
	__u32 ppid;       /* parent tgid (fork events) */
	__u32 netns;      /* inode of the task's network namespace */
	__u8 kind;        /* enum event_kind */
	__u8 flags;       /* EVF_* */
	__u16 syscall;    /* enum syscall_id */
	__s32 fd;         /* fd used (or returned by socket()) */
	__s64 ret;        /* syscall return value */
	__u64 args[4];    /* syscall-specific arguments, see trace.Event.Args */
	__u64 sock_ino;   /* inode of the socket behind fd */
	__u16 sock_family;
	__u16 sock_type;
	__u16 sock_proto;
	__u16 stack_len;  /* bytes used in stack[] */
	__u32 data_len;   /* real payload length (may exceed copied) */
	__u32 copied;     /* payload bytes that follow this header */
	char comm[16];
	__u64 stack[STACK_DEPTH];
	/* followed by `copied` payload bytes */
};

#endif
