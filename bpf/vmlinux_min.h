/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The few kernel types the probe reads, declared by hand instead of a 2 MB
 * vmlinux.h. Only the fields used are listed; preserve_access_index makes
 * clang emit CO-RE relocations, so libbpf/cilium-ebpf find each field's real
 * offset in the running kernel's BTF at load time.
 */
#ifndef __NETEXPLORE_VMLINUX_MIN_H
#define __NETEXPLORE_VMLINUX_MIN_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { false = 0, true = 1 };

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
};

#define BPF_F_USER_STACK (1ULL << 8)

/* bpf_ringbuf_output flags and bpf_ringbuf_query selectors. */
#define BPF_RB_NO_WAKEUP (1ULL << 0)
#define BPF_RB_FORCE_WAKEUP (1ULL << 1)
#define BPF_RB_AVAIL_DATA 0

/* bpf_task_storage_get flags. */
#define BPF_LOCAL_STORAGE_GET_F_CREATE (1ULL << 0)

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct ns_common {
	unsigned int inum;
};

struct net {
	struct ns_common ns;
};

struct nsproxy {
	struct net *net_ns;
};

typedef __u32 dev_t;

struct super_block {
	dev_t s_dev;
};

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
	dev_t i_rdev;
	struct super_block *i_sb;
};

struct qstr {
	const unsigned char *name;
};

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
};

struct vfsmount {
	struct dentry *mnt_root;
};

/* The kernel's private wrapper around a vfsmount (fs/mount.h). */
struct mount {
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

struct file {
	void *private_data;
	struct inode *f_inode;
	struct path f_path;
};

struct mm_struct {
	unsigned long start_code;
	unsigned long saved_auxv[56];
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned long vm_flags;
	unsigned long vm_pgoff;
	struct file *vm_file;
};

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
};

struct files_struct {
	struct fdtable *fdt;
};

typedef struct {
	struct net *net;
} possible_net_t;

struct sock_common {
	unsigned short skc_family;
	possible_net_t skc_net;
};

struct sock {
	struct sock_common __sk_common;
	__u16 sk_protocol;
	__u16 sk_type;
};

struct socket {
	struct sock *sk;
};

/* x86-64 registers saved at syscall entry; the arguments are di, si, dx,
 * r10, r8 and r9; ip and bp start a frame-pointer walk of the user stack. */
struct pt_regs {
	unsigned long bp;
	unsigned long ip;
	unsigned long orig_ax;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
};

struct task_struct {
	int exit_code;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct files_struct *files;
	struct nsproxy *nsproxy;
	struct mm_struct *mm;
};

#pragma clang attribute pop

/* Userspace structures copied with bpf_probe_read_user. */
struct user_msghdr {
	void *msg_name;
	int msg_namelen;
	struct iovec *msg_iov;
	__u64 msg_iovlen;
	void *msg_control;
	__u64 msg_controllen;
	unsigned int msg_flags;
};

struct iovec {
	void *iov_base;
	__u64 iov_len;
};

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFCHR 0020000
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_PACKET 17
#define PROT_EXEC 0x4
#define MAP_ANONYMOUS 0x20
#define VM_EXEC 0x00000004
#define PAGE_SHIFT 12

#endif
