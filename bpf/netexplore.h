/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The event record shared by the probe (netexplore.bpf.c) and its Go reader
 * (trace/probe, through the bpf2go-generated NetexploreEvent type). Every
 * field has a fixed width and explicit padding so both sides agree on the
 * layout without packing.
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
	EV_MMAP = 17,
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
	SC_MMAP,
};

/* event.flags */
#define EVF_STACK 0x01      /* stack_depth user frames follow the payload */
#define EVF_READ_FAULT 0x02 /* a user memory copy failed; data may be partial */
#define EVF_NEW_IMAGE 0x04  /* mmap: first mapping of a new program image (exec) */
#define EVF_UNFOLLOWED 0x08 /* fork: the task table was full, the child is not traced */
#define EVF_DURATION_US 0x10 /* duration counts microseconds, not nanoseconds */

/* Why an event could not be delivered (indexes of the `stats` map). */
enum stat_index {
	STAT_RING_FULL = 0,  /* the ring buffer was full */
	STAT_FAULTS = 1,     /* a user memory copy failed (the event was sent) */
	STAT_TASKS_FULL = 2, /* a child was not followed: the task table was full */
	STAT_FDS_FULL = 3,   /* a /proc/sys fd was not tracked: the fd table was full */
	STAT_MAX,
};

#define STACK_DEPTH 32
#define DATA_MAX 32768 /* per-event payload copy limit (bytes) */

/*
 * The header of every ring-buffer record. It is followed by `copied`
 * payload bytes, then, at the next multiple of 8, `stack_depth` user-stack
 * return addresses (innermost first): a record carries only the bytes it
 * uses.
 *
 * For EV_FORK, args[0] is the child's tgid. For EV_MMAP, args[0..3] are the
 * mapping's start and end address, its file offset, and the file's inode;
 * sock_ino holds the file's device (the kernel's dev_t) and the payload its
 * path, last component first, components NUL-separated.
 */
struct event {
	__u64 ts_ns;      /* bpf_ktime_get_ns() */
	__s64 ret;        /* syscall return value */
	__u64 args[4];    /* syscall-specific arguments, see trace.Event.Args */
	__u64 sock_ino;   /* inode of the socket behind fd */
	__u32 pid;        /* tgid */
	__u32 tid;        /* pid of the thread */
	__u32 netns;      /* inode of the network namespace the call acts in */
	__s32 fd;         /* fd used (or returned by socket()) */
	__u32 data_len;   /* real payload length (may exceed copied) */
	__u32 copied;     /* payload bytes that follow this header */
	__u16 syscall;    /* enum syscall_id */
	__u16 sock_family;
	__u16 sock_type;
	__u16 sock_proto;
	__u8 kind;        /* enum event_kind */
	__u8 flags;       /* EVF_* */
	__u8 stack_depth; /* user frames after the payload */
	__u8 pad;
	char comm[16];
	/* Time from the syscall's entry to its exit, in nanoseconds (in
	 * microseconds with EVF_DURATION_US, for calls of 4 s or more); 0 when
	 * not measured (want_durations off, or not a syscall's exit). */
	__u32 duration;
};

#endif
