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
 * A record carries only the bytes it uses: the header, the payload, then
 * the user stack's frames.
 *
 * Nothing is dropped silently: every table that can fill and the ring
 * buffer count their failures in the `stats` map, one counter per reason,
 * and userspace names each non-zero reason.
 *
 * For symbolization the probe also reports where each traced program and
 * library is mapped (EV_MMAP), as it happens: the program and its loader at
 * exec, every executable file mapping made with mmap(2) after that. Stacks
 * then resolve against mappings known when they were captured, never
 * against /proc after the process is gone.
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
/* The network namespace (its inode) whose processes are traced while they
 * act in it, whatever their tgid: trace --netns (set by userspace before
 * load). 0 traces the followed processes, everywhere. */
const volatile __u32 netns_filter = 0;
/* Measure each recorded syscall's duration (trace -T, -c): stamp the entry
 * of the syscalls the exit dispatch handles (set by userspace before load).
 * Off, the verifier drops the code it guards: what remains is the load of
 * this constant, once per syscall and once per event. */
const volatile bool want_durations = false;
/* Stamp each event with the time (set by userspace before load). A clock
 * read costs about 0.1 µs on a virtual machine (kvm-clock); output that
 * shows no time leaves it out. */
const volatile bool want_timestamps = true;

#define MAX_IOV 16
#define MAX_ARGS 32
#define ARG_MAX_LEN 256
#define SYSCTL_PATH_MAX 128
#define SYSCTL_DATA_MAX 4096
#define IFREQ_SIZE 40
/* Path components of a mapped file, last first; deeper paths are cut. */
#define PATH_DEPTH 24
#define NAME_MAX 255

/* Socket ioctls (linux/sockios.h) live in 0x8900-0x89ff. */
#define SOCKIOS_TYPE 0x89
/* Step markers issued by the runner: ioctl(-1, 0x4e58xxxx, 0). */
#define MARKER_MAGIC 0x4e58

struct scratch {
	struct event ev;
	/* The payload, then the stack at the next multiple of 8. Twice the
	 * payload limit so masked offsets stay in bounds. */
	__u8 data[2 * DATA_MAX];
	/* The duration (and its EVF_DURATION_US flag) of the syscall whose
	 * exit is being handled, for begin_event; 0 outside on_sys_exit. The
	 * record sent is ev then data: these stay after them. */
	__u32 duration;
	__u32 duration_flags;
	/* The payload offset a bpf_loop walk has reached. Kept here, not in
	 * the walk's state on the stack: the verifier does not follow what a
	 * map value holds, so it checks the loop body once instead of once
	 * for each offset the previous steps could have reached. */
	__u32 walk_off;
};

/* The registers a syscall entered the kernel with. */
struct regs {
	__u64 args[6];
	__u64 ip, bp; /* user registers where a stack walk starts */
};

/* What the probe keeps per traced process. */
struct task {
	__u32 sysctl_fds;   /* entries of this process in sysctl_fds */
	__u32 exec_pending; /* an execve was seen at entry, its result not yet */
};

struct fd_key {
	__u32 tgid;
	__s32 fd;
};

struct sysctl_file {
	__u64 file; /* the struct file, to recognise a reused fd number */
	char path[SYSCTL_PATH_MAX];
};

/* What fill_socket learns about the socket behind an fd. */
struct sock_info {
	__u64 file; /* the struct file and its inode number: both must match */
	__u64 ino;
	__u32 netns;
	__u16 family, type, proto;
	__u16 is_sock;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20); /* resized by userspace */
} events SEC(".maps");

/* The hash tables take memory per entry as it is used, not all at load
 * (preallocating 65536 entries took tens of milliseconds of every start). */
#define BPF_F_NO_PREALLOC 1

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536); /* resized by userspace */
	__type(key, __u32);         /* tgid */
	__type(value, struct task);
} traced SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384); /* resized by userspace */
	__type(key, struct fd_key);
	__type(value, struct sysctl_file);
} sysctl_fds SEC(".maps");

/* What fill_socket learned, per CPU, in slots chosen by the struct file's
 * address: a cache, not a record; a slot taken by another file is simply
 * read again. */
#define SOCK_CACHE_SLOTS 64

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SOCK_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct sock_info);
} sock_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* one per possible CPU, set by userspace */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* When the current syscall of each task entered (want_durations): task
 * local storage, freed with the task. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} entered SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* Turns a kernel pointer read as a number into a typed one, so that what
 * it points to is read with plain (fault-safe) loads instead of helper
 * calls. */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id) __ksym;

/* The current task, read-only: reading through it is the same fault-safe
 * load as through bpf_get_current_task_btf()'s, but for each pointer read
 * through a trusted pointer the verifier searches the kernel's whole BTF
 * (whether the field is marked trusted), milliseconds per search. */
static __always_inline struct task_struct *current_task(void)
{
	return bpf_rdonly_cast(bpf_get_current_task_btf(), bpf_core_type_id_kernel(struct task_struct));
}

/* Force BTF for the event type so bpf2go can generate NetexploreEvent. */
const struct event *unused_event __attribute__((unused));

/* Counts one loss for reason index. A global function, called only when
 * something is lost: the map lookup the verifier rewrites inline is one,
 * not one per caller (each rewrite copies the whole program). Returns 0. */
__noinline int count(__u32 index)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &index);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

static __always_inline __u32 current_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

static __always_inline struct task *traced_task(void)
{
	__u32 tgid = current_tgid();
	if (!netns_filter)
		return bpf_map_lookup_elem(&traced, &tgid);
	/* trace --netns: a call counts when the caller is in the namespace;
	 * a process seen there is followed from then on (it gets the task
	 * entry that per-process state needs), its calls elsewhere are not
	 * recorded. */
	struct task_struct *task = current_task();
	if (task->nsproxy->net_ns->ns.inum != netns_filter)
		return 0;
	struct task *t = bpf_map_lookup_elem(&traced, &tgid);
	if (t)
		return t;
	struct task fresh = {};
	bpf_map_update_elem(&traced, &tgid, &fresh, BPF_NOEXIST);
	t = bpf_map_lookup_elem(&traced, &tgid);
	if (!t)
		count(STAT_TASKS_FULL);
	return t;
}

static __always_inline bool is_traced(void)
{
	return traced_task() != 0;
}

/* The part of x86-64's struct pt_regs from bp to ip, in the kernel's order
 * (fixed by the syscall entry code): one read fetches the arguments and the
 * two registers a stack walk starts from. */
struct regs_bp_to_ip {
	__u64 bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip;
};

/* Reads the registers the calling task entered the kernel with: the
 * syscall arguments (di, si, dx, r10, r8, r9) and ip/bp for the stack. */
static __always_inline bool read_regs(struct regs *out)
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

static __always_inline struct scratch *this_scratch(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	return bpf_map_lookup_elem(&scratch, &cpu);
}

/* The time since the current syscall's stamped entry, 0 when none; calls
 * of 4 s or more are counted in microseconds and set EVF_DURATION_US in
 * *flags. consume forgets the stamp, so a later call that was not stamped
 * (it entered before tracing began) is not measured from a stale one. */
static __always_inline __u32 since_entry(bool consume, __u32 *flags)
{
	*flags = 0;
	__u64 *t = bpf_task_storage_get(&entered, bpf_get_current_task_btf(), 0, 0);
	if (!t || !*t)
		return 0;
	__u64 d = bpf_ktime_get_ns() - *t;
	if (consume)
		*t = 0;
	if (d == 0)
		d = 1; /* 0 means not measured */
	if (d > 0xffffffffULL) {
		d /= 1000;
		if (d > 0xffffffffULL)
			d = 0xffffffffULL;
		*flags = EVF_DURATION_US;
	}
	return d;
}

/* Starts an event in this CPU's scratch: the header fields every event
 * has. Returns 0 when there is no scratch. A global function: the verifier
 * checks it once, not at each of the twenty places an event starts (each
 * typed pointer load costs the verifier a search of the kernel's BTF). */
__noinline int start_event(__u32 kind, __u32 syscall)
{
	struct scratch *s = this_scratch();
	if (!s)
		return 0;
	struct event *e = &s->ev;
	struct task_struct *task = current_task();
	__u64 id = bpf_get_current_pid_tgid();

	e->ts_ns = want_timestamps ? bpf_ktime_get_ns() : 0;
	e->ret = 0;
	e->args[0] = 0;
	e->args[1] = 0;
	e->args[2] = 0;
	e->args[3] = 0;
	e->sock_ino = 0;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	/* Typed BTF loads: no helper call per pointer. */
	e->netns = task->nsproxy->net_ns->ns.inum;
	e->fd = -1;
	e->data_len = 0;
	e->copied = 0;
	e->syscall = syscall;
	e->sock_family = 0;
	e->sock_type = 0;
	e->sock_proto = 0;
	e->kind = kind;
	e->flags = 0;
	e->stack_depth = 0;
	/* Without want_durations, duration is never written: it stays 0. */
	if (want_durations) {
		e->duration = s->duration;
		e->flags = s->duration_flags;
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return 1;
}

static __always_inline struct scratch *begin_event(__u8 kind, __u16 syscall)
{
	if (!start_event(kind, syscall))
		return 0;
	return this_scratch();
}

/* The address of the struct file behind the calling process's fd, or 0.
 * A global function, like start_event. */
__noinline __u64 fd_file(int fd)
{
	struct task_struct *task = current_task();
	struct fdtable *fdt = task->files->fdt;
	if (!fdt || fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return 0;
	struct file **fds = fdt->fd;
	struct file *f = 0;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return 0;
	return (__u64)f;
}

/* Fills the socket fields from the struct sock behind fd, so the protocol is
 * known even for sockets created before tracing began or never bound. The
 * event's netns becomes the socket's own: a socket opened inside a container
 * namespace acts there, whichever namespace the calling thread is in now.
 *
 * What a socket is never changes, so it is cached by struct file: the
 * file and its inode number must both match, which catches a struct file
 * freed and reused for another file.
 *
 * It fills the event in this CPU's scratch. A global function, checked
 * once by the verifier (see start_event); it returns 0. */
__noinline int fill_socket(int fd)
{
	struct scratch *s = this_scratch();
	if (!s)
		return 0;
	struct event *e = &s->ev;
	__u64 raw = fd_file(fd);
	if (!raw)
		return 0;
	/* Typed loads from here on: no helper call per pointer. */
	struct file *f = bpf_rdonly_cast((void *)raw, bpf_core_type_id_kernel(struct file));
	struct inode *inode = f->f_inode;
	__u64 ino = inode->i_ino;
	/* struct file comes from a slab: the low bits are not random. */
	__u32 slot = (raw >> 8 ^ raw >> 14) & (SOCK_CACHE_SLOTS - 1);
	struct sock_info *c = bpf_map_lookup_elem(&sock_cache, &slot);
	if (!c)
		return 0;
	struct sock_info info = {};
	if (c->file == raw && c->ino == ino) {
		info = *c;
	} else {
		info.file = raw;
		info.ino = ino;
		if ((inode->i_mode & S_IFMT) == S_IFSOCK) {
			struct socket *sock = bpf_rdonly_cast(f->private_data, bpf_core_type_id_kernel(struct socket));
			struct sock *sk = sock->sk;
			info.is_sock = 1;
			info.family = sk->__sk_common.skc_family;
			info.type = sk->sk_type;
			info.proto = sk->sk_protocol;
			info.netns = sk->__sk_common.skc_net.net->ns.inum;
		}
		*c = info;
	}
	if (!info.is_sock)
		return 0;
	e->sock_ino = ino;
	e->sock_family = info.family;
	e->sock_type = info.type;
	e->sock_proto = info.proto;
	if (info.netns)
		e->netns = info.netns;
	return 0;
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

/* State of a bpf_loop over an iovec array; the payload bytes written so
 * far are the scratch's walk_off. bpf_loop verifies the body once instead
 * of once per iteration, which keeps the verifier's work small. */
struct iov_walk {
	struct iovec *iov;
	__u64 iovlen;
	__u64 total; /* bytes still to copy */
	__u64 sum;   /* sum of iov_len seen */
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
	s->walk_off += copy_user(s, s->walk_off, v.iov_base, n);
	w->total -= n;
	return 0;
}

/* Copies the iovecs of a msghdr, at most total bytes, and returns the bytes
 * copied; or, without copy, returns the sum of their lengths. A global
 * function: the verifier checks its loop once, not at each caller. */
__noinline __u64 walk_iovecs(__u64 iov, __u64 iovlen, __u64 total, int copy)
{
	struct scratch *s = this_scratch();
	if (!s)
		return 0;
	struct iov_walk w = {.iov = (struct iovec *)iov, .iovlen = iovlen, .total = total, .copy = copy};
	s->walk_off = 0;
	bpf_loop(MAX_IOV, iov_step, &w, 0);
	return copy ? s->walk_off : w.sum;
}

static __always_inline __u32 copy_iovecs(struct iovec *iov, __u64 iovlen, __u64 total)
{
	return walk_iovecs((__u64)iov, iovlen, total, 1);
}

static __always_inline __u64 iovecs_len(struct iovec *iov, __u64 iovlen)
{
	return walk_iovecs((__u64)iov, iovlen, 0, 0);
}

/* State of a bpf_loop walking the user stack's frame-pointer chain. */
struct fp_walk {
	__u64 fp;
	__u32 off; /* where the frames go in the payload area */
	__u32 n;   /* frames written */
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
	__u32 off = w->off;
	if (n >= STACK_DEPTH || off > DATA_MAX + 8)
		return 1;
	*(__u64 *)&s->data[off + n * 8] = frame[1];
	w->n = n + 1;
	if (frame[0] <= w->fp) /* the chain must climb the stack */
		return 1;
	w->fp = frame[0];
	return 0;
}

/* Records the user stack after the payload by following frame pointers from
 * the registers the task entered the kernel with. Go keeps frame pointers,
 * so this names every Go frame; it costs one user read per frame, several
 * times less than bpf_get_stack's generic unwinder on this workload.
 * Returns the bytes the stack takes, counted from the payload's end.
 * A global function: the verifier checks it once, not once per handler
 * that submits an event. */
__noinline __u64 user_stack(__u64 copied, __u64 ip, __u64 bp)
{
	struct scratch *s = this_scratch();
	if (!s)
		return 0;
	__u64 off = (copied + 7) & ~7ULL;
	if (off > DATA_MAX + 8)
		return 0;
	*(__u64 *)&s->data[off] = ip;
	struct fp_walk w = {.fp = bp, .off = off, .n = 1};
	bpf_loop(STACK_DEPTH - 1, fp_step, &w, 0);
	__u64 n = w.n;
	if (n > STACK_DEPTH)
		n = STACK_DEPTH;
	s->ev.stack_depth = n;
	s->ev.flags |= EVF_STACK;
	return off - copied + n * 8;
}

/* Sends the event in this CPU's scratch; with stack, it also records the
 * user stack from the registers ip and bp. A global function, like
 * start_event. Returns 0. */
__noinline int submit_event(int stack, __u64 ip, __u64 bp)
{
	struct scratch *s = this_scratch();
	if (!s)
		return 0;
	struct event *e = &s->ev;
	__u64 copied = e->copied;
	if (copied > DATA_MAX)
		copied = DATA_MAX;
	__u64 size = copied;
	if (stack && capture_stacks)
		size += user_stack(copied, ip, bp);
	if (size > DATA_MAX + 8 + 8 * STACK_DEPTH)
		size = DATA_MAX + 8 + 8 * STACK_DEPTH;
	/* Wake the reader once, when this record takes the backlog past
	 * wakeup_bytes: a reader that is awake reads on until the ring is
	 * empty, and one that sleeps found it empty. Waking it for every
	 * record past the mark would cost an interrupt each. */
	__u64 total = sizeof(struct event) + size;
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (avail < wakeup_bytes && avail + total >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, s, total, flags))
		count(STAT_RING_FULL);
	return 0;
}

/* Sends the event begun with begin_event; with regs (the registers read
 * at syscall exit) it also records the user stack. */
static __always_inline void submit(const struct regs *regs)
{
	if (regs)
		submit_event(1, regs->ip, regs->bp);
	else
		submit_event(0, 0, 0);
}

/* ---- process tree ------------------------------------------------------ */

/**
 * sched_process_fork: a traced task created a new process. The child joins
 * the traced set before it can run, so nothing it does is missed. Threads
 * share their process's tgid and need no entry of their own. The parent's
 * user stack is kept: it names the code that started a helper program.
 * When the task table is full the child is not followed; the fork event
 * says so and the loss is counted.
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
	struct task t = {};
	bool followed = bpf_map_update_elem(&traced, &ctgid, &t, BPF_ANY) == 0;
	if (!followed)
		count(STAT_TASKS_FULL);

	struct scratch *s = begin_event(EV_FORK, SC_NONE);
	if (!s)
		return 0;
	s->ev.args[0] = ctgid;
	if (!followed)
		s->ev.flags |= EVF_UNFOLLOWED;
	/* The parent's stack says which line of code started the child. */
	struct regs in;
	submit(read_regs(&in) ? &in : 0);
	return 0;
}

/* Forgets the /proc/sys fds of the exiting process (see handle_exit). */
static long drop_sysctl_fd(void *map, struct fd_key *key, struct sysctl_file *val, __u32 *tgid)
{
	if (key->tgid == *tgid)
		bpf_map_delete_elem(map, key);
	return 0;
}

/**
 * sched_process_exit: the last thread of a traced process is gone. Watch
 * for helper processes (iptables, nft) ending: their exit closes their part
 * of the conversation. Everything the probe kept for the process goes with
 * it, so a long trace does not fill its tables with the dead.
 */
SEC("tp_btf/sched_process_exit")
int handle_exit(__u64 *ctx)
{
	bool group_dead = ctx[1];
	if (!group_dead)
		return 0;
	/* Not traced_task(): a process followed for --netns is forgotten
	 * wherever it exits (an exiting task may have no namespaces left). */
	__u32 tgid = current_tgid();
	struct task *t = bpf_map_lookup_elem(&traced, &tgid);
	if (!t)
		return 0;
	struct scratch *s = begin_event(EV_EXIT, SC_NONE);
	if (s) {
		struct task_struct *task = bpf_get_current_task_btf();
		s->ev.ret = task->exit_code;
		submit(0);
	}
	/* A process that exits with /proc/sys files open never closes them. */
	if (t->sysctl_fds)
		bpf_for_each_map_elem(&sysctl_fds, drop_sysctl_fd, &tgid, 0);
	bpf_map_delete_elem(&traced, &tgid);
	return 0;
}

/* ---- ioctl ------------------------------------------------------------- */

/* Request numbers whose argument is not an ifreq (linux/sockios.h,
 * linux/if_tun.h, asm-generic/ioctls.h). */
#define SIOCADDRT 0x890b
#define SIOCDELRT 0x890c
#define SIOCGIFCONF 0x8912
#define SIOCETHTOOL 0x8946
#define SIOCDARP 0x8953
#define SIOCSARP 0x8955
#define SIOCDRARP 0x8960
#define SIOCSRARP 0x8962
#define SIOCGIFVLAN 0x8982
#define SIOCSIFVLAN 0x8983
#define TIOCOUTQ 0x5411
#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define FIOASYNC 0x5452
#define TUNSETNOCSUM 0x400454c8
#define TUNSETDEBUG 0x400454c9
#define TUNSETIFF 0x400454ca
#define TUNSETPERSIST 0x400454cb
#define TUNSETOWNER 0x400454cc
#define TUNSETLINK 0x400454cd
#define TUNSETGROUP 0x400454ce
#define TUNSETOFFLOAD 0x400454d0
#define TUNSETTXFILTER 0x400454d1
#define TUNGETIFF 0x800454d2
#define TUNSETQUEUE 0x400454d9
#define TUN_IOC_TYPE 'T'
/* /dev/net/tun as the kernel's dev_t: MISC_MAJOR << 20 | TUN_MINOR. */
#define TUN_DEV ((10 << 20) | 200)
#define RTENTRY_SIZE 120
#define RTENTRY_DEV 88 /* offset of rt_dev, a char * */
#define IN6_RTMSG_SIZE 80
#define ARPREQ_SIZE 68
#define VLAN_ARGS_SIZE 56
#define IFCONF_SIZE 16
#define IFR_DATA 16 /* offset of ifr_data in an ifreq */
/* The largest struct an _IOC-encoded request's size field makes the
 * probe copy: bigger ones are binary blobs nobody reads in a trace. */
#define IOC_ARG_MAX 256
#define IOC_DIR(cmd) ((cmd) >> 30)
#define IOC_SIZE(cmd) (((cmd) >> 16) & 0x3fff)
#define IOC_TYPE(cmd) (((cmd) >> 8) & 0xff)

/* The size of what a request's third argument points to, 0 when it is
 * a value or unknown. A global function: the verifier sees one unknown
 * size instead of following the copy once for each size this returns. */
__noinline __u32 ioctl_arg_size(__u32 cmd, __u32 family)
{
	switch (cmd) {
	case SIOCADDRT:
	case SIOCDELRT:
		return family == AF_INET6 ? IN6_RTMSG_SIZE : RTENTRY_SIZE;
	case SIOCDARP ... SIOCSARP:
	case SIOCDRARP ... SIOCSRARP:
		return ARPREQ_SIZE;
	case SIOCGIFVLAN:
	case SIOCSIFVLAN:
		return VLAN_ARGS_SIZE;
	case SIOCGIFCONF:
		return IFCONF_SIZE;
	case TUNSETIFF:
	case TUNGETIFF:
	case TUNSETQUEUE:
		return IFREQ_SIZE; /* declared as int, but an ifreq */
	case TUNSETNOCSUM:
	case TUNSETDEBUG:
	case TUNSETPERSIST:
	case TUNSETOWNER:
	case TUNSETLINK:
	case TUNSETGROUP:
	case TUNSETOFFLOAD:
		return 0; /* the value is the argument itself */
	case TUNSETTXFILTER:
		return 4 + 8 * 6; /* struct tun_filter and its first 8 addresses */
	case TIOCOUTQ:
	case FIONREAD:
	case FIONBIO:
	case FIOASYNC:
		return 4;
	}
	if (cmd >> 8 == SOCKIOS_TYPE)
		return IFREQ_SIZE;
	if (IOC_DIR(cmd) == 0)
		return 0;
	__u32 size = IOC_SIZE(cmd);
	return size > IOC_ARG_MAX ? IOC_ARG_MAX : size;
}

/* ETHTOOL_* commands (linux/ethtool.h) and the size of their struct. */
#define ETHTOOL_GLINKSETTINGS 0x4c
#define ETHTOOL_SLINKSETTINGS 0x4d
#define ETHTOOL_LINK_SETTINGS_SIZE 48
#define ETHTOOL_NWORDS 15 /* offset of link_mode_masks_nwords */
#define ETHTOOL_NWORDS_MAX 8

/* A global function, like ioctl_arg_size. */
__noinline __u32 ethtool_size(__u32 cmd)
{
	switch (cmd) {
	case 0x01: case 0x02: /* GSET, SSET: ethtool_cmd */
		return 44;
	case 0x03: /* GDRVINFO */
		return 196;
	case 0x04: /* GREGS: the header of ethtool_regs */
		return 12;
	case 0x05: case 0x06: /* GWOL, SWOL */
		return 20;
	case 0x0b: case 0x0c: case 0x43: /* GEEPROM, SEEPROM, GMODULEEEPROM: header */
		return 16;
	case 0x0e: case 0x0f: /* GCOALESCE, SCOALESCE */
		return 92;
	case 0x10: case 0x11: /* GRINGPARAM, SRINGPARAM */
		return 36;
	case 0x12: case 0x13: /* GPAUSEPARAM, SPAUSEPARAM */
	case 0x1a: /* TEST: header */
	case 0x37: /* GSSET_INFO: header */
	case 0x3e: case 0x3f: case 0x40: /* dump */
	case 0x48: case 0x49: case 0x4e: case 0x4f: /* tunables: header */
		return 16;
	case 0x1b: /* GSTRINGS: header */
		return 12;
	case 0x29: case 0x2a: case 0x2d: case 0x2e: case 0x2f: case 0x30: case 0x31: case 0x32: /* rxnfc */
		return 192;
	case 0x33: /* FLASHDEV */
		return 136;
	case 0x3c: case 0x3d: /* GCHANNELS, SCHANNELS */
		return 36;
	case 0x41: case 0x42: /* GET_TS_INFO, GMODULEINFO */
		return 44;
	case 0x44: case 0x45: /* GEEE, SEEE */
		return 40;
	case 0x46: case 0x47: /* GRSSH, SRSSH: header */
		return 24;
	case ETHTOOL_GLINKSETTINGS:
	case ETHTOOL_SLINKSETTINGS:
		return ETHTOOL_LINK_SETTINGS_SIZE;
	}
	/* The rest (GLINK, GMSGLVL, offload toggles...) take an ethtool_value,
	 * or start with a header of that size. */
	return 8;
}

/* SIOCETHTOOL: the ifreq at the payload's start points (ifr_data) to the
 * command's struct; it follows the ifreq, sized by the command number in
 * its first u32. Returns the bytes appended. */
static __always_inline __u32 copy_ethtool(struct scratch *s, __u32 n)
{
	if (n < IFR_DATA + 8)
		return 0;
	const void *p = (const void *)*(__u64 *)&s->data[IFR_DATA];
	__u32 cmd = 0;
	if (!p || bpf_probe_read_user(&cmd, sizeof(cmd), p))
		return 0;
	__u32 size = ethtool_size(cmd);
	__u32 got = copy_user(s, IFREQ_SIZE, p, size);
	if (got != ETHTOOL_LINK_SETTINGS_SIZE || (cmd != ETHTOOL_GLINKSETTINGS && cmd != ETHTOOL_SLINKSETTINGS))
		return got;
	/* The three link-mode bitmaps follow, nwords u32 each. */
	__s8 nwords = (__s8)s->data[IFREQ_SIZE + ETHTOOL_NWORDS];
	if (nwords <= 0 || nwords > ETHTOOL_NWORDS_MAX)
		return got;
	return got + copy_user(s, IFREQ_SIZE + ETHTOOL_LINK_SETTINGS_SIZE, p + ETHTOOL_LINK_SETTINGS_SIZE, 3 * 4 * nwords);
}

#define SIOCDEVPRIVATE 0x89f0
#define BRCTL_ARGS_SIZE 32 /* unsigned long args[4] */

/* The size of the answer a bridge's old-API GET command (args[0]) left
 * where args[1] points, given the call's result: struct __bridge_info,
 * struct __port_info, the port list (one int per port; ret of them) or
 * the forwarding entries (16 bytes each; ret of them), the lists cut at
 * 64 ports and 32 entries. A global function, like ioctl_arg_size. */
__noinline __u32 brctl_answer_size(__u64 cmd, long ret)
{
	switch (cmd) {
	case 6: /* BRCTL_GET_BRIDGE_INFO */
		return 72;
	case 13: /* BRCTL_GET_PORT_INFO */
		return 48;
	case 7: /* BRCTL_GET_PORT_LIST */
		if (ret <= 0)
			return 0;
		return ret > 64 ? 256 : ret * 4;
	case 18: /* BRCTL_GET_FDB_ENTRIES */
		if (ret <= 0)
			return 0;
		return ret > 32 ? 512 : ret * 16;
	}
	return 0;
}

/* SIOCDEVPRIVATE: on a bridge (old brctl) ifr_data points to unsigned
 * long args[4], a BRCTL_* command and its arguments, and a GET's answer
 * is where args[1] points; both follow the ifreq. On a tunnel the same
 * request (SIOCGETTUNNEL) points to a struct ip_tunnel_parm, whose first
 * 32 bytes are copied the same way. Returns the bytes appended. */
static __always_inline __u32 copy_dev_private(struct scratch *s, __u32 n, long ret)
{
	if (n < IFR_DATA + 8)
		return 0;
	const void *p = (const void *)*(__u64 *)&s->data[IFR_DATA];
	if (!p)
		return 0;
	__u32 got = copy_user(s, IFREQ_SIZE, p, BRCTL_ARGS_SIZE);
	if (got != BRCTL_ARGS_SIZE || ret < 0)
		return got;
	__u64 cmd = *(__u64 *)&s->data[IFREQ_SIZE];
	const void *answer = (const void *)*(__u64 *)&s->data[IFREQ_SIZE + 8];
	__u32 size = brctl_answer_size(cmd, ret);
	if (!size || !answer)
		return got;
	return got + copy_user(s, IFREQ_SIZE + BRCTL_ARGS_SIZE, answer, size);
}

/* The rdev of the character device behind fd, or 0. */
static __always_inline __u32 fd_chrdev(int fd)
{
	__u64 raw = fd_file(fd);
	if (!raw)
		return 0;
	struct file *f = bpf_rdonly_cast((void *)raw, bpf_core_type_id_kernel(struct file));
	struct inode *inode = f->f_inode;
	if ((inode->i_mode & S_IFMT) != S_IFCHR)
		return 0;
	return inode->i_rdev;
}

/**
 * ioctl on sockets (SIOC*, SIOCBR*, SIOCETHTOOL, SIOCADDRT, SIOCSARP) and
 * on /dev/net/tun (TUNSETIFF, TUNSETPERSIST...): the legacy way to create
 * bridges and tap devices, set interface flags, addresses, MACs, routes
 * and ARP entries, and ethtool's driver queries. ioctls on other files
 * (terminals, disks) are not recorded. The argument is read at exit, as
 * large as the request's struct, so GET requests show the kernel's
 * answer; what it points to is followed for SIOCETHTOOL (ifr_data),
 * SIOCDEVPRIVATE (ifr_data, and a bridge GET's answer) and SIOCADDRT
 * (rt_dev). args[1] is the third argument when it is not a
 * pointer to a known struct (TUNSETPERSIST and friends pass their value
 * there) and args[2] the rdev of a character device fd. The runner's step markers (ioctl(-1, 0x4e58xxxx), which fail
 * with EBADF) are recorded too: they bracket each walkthrough step.
 */
static __noinline int exit_ioctl(struct regs *in, long ret)
{
	__u32 cmd = (__u32)in->args[1];
	if (cmd >> 16 == MARKER_MAGIC) {
		struct scratch *m = begin_event(EV_MARKER, SC_IOCTL);
		if (m) {
			m->ev.args[0] = cmd;
			submit(0);
		}
		return 0;
	}
	struct scratch *s = begin_event(EV_IOCTL, SC_IOCTL);
	if (!s)
		return 0;
	s->ev.fd = in->args[0];
	fill_socket(in->args[0]);
	if (!s->ev.sock_family) {
		__u32 rdev = fd_chrdev(in->args[0]);
		if (rdev == TUN_DEV)
			s->ev.args[2] = rdev;
		else if (cmd >> 8 != SOCKIOS_TYPE)
			return 0; /* a terminal's, a disk's: not networking */
	}
	s->ev.ret = ret;
	s->ev.args[0] = cmd;
	const void *arg = (const void *)in->args[2];
	__u32 size = ioctl_arg_size(cmd, s->ev.sock_family);
	__u32 n = 0;
	if (!size) {
		/* A value (TUNSETPERSIST 1): kept. A pointer is not: it would
		 * make every call from another buffer look different. */
		s->ev.args[1] = in->args[2];
	} else {
		n = copy_user(s, 0, arg, size);
		if (!n && size > 16) /* a bare name near the end of a mapping */
			n = copy_user(s, 0, arg, 16);
	}
	if (cmd == SIOCETHTOOL && n == IFREQ_SIZE)
		n += copy_ethtool(s, n);
	else if (cmd == SIOCDEVPRIVATE && n == IFREQ_SIZE)
		n += copy_dev_private(s, n, ret);
	else if ((cmd == SIOCADDRT || cmd == SIOCDELRT) && n == RTENTRY_SIZE) {
		const void *dev = (const void *)*(__u64 *)&s->data[RTENTRY_DEV];
		if (dev)
			n += copy_user_str(s, RTENTRY_SIZE, dev, 16);
	}
	s->ev.copied = n;
	s->ev.data_len = n;
	submit(in);
	return 0;
}

/* ---- sockets ------------------------------------------------------------ */

/**
 * socket(): which family, type and protocol a tool opens. For netlink the
 * protocol picks the subsystem: NETLINK_ROUTE for links and addresses,
 * NETLINK_NETFILTER for nf_tables.
 */
static __noinline int exit_socket(struct regs *in, long ret)
{
	struct scratch *s = begin_event(EV_SOCKET, SC_SOCKET);
	if (!s)
		return 0;
	s->ev.ret = ret;
	s->ev.fd = ret;
	s->ev.args[0] = in->args[0];
	s->ev.args[1] = in->args[1];
	s->ev.args[2] = in->args[2];
	if (ret >= 0)
		fill_socket(ret);
	submit(in);
	return 0;
}

/* bind() and connect(): the sockaddr, e.g. sockaddr_nl with multicast groups. */
static __always_inline int exit_sockaddr(struct regs *in, long ret, __u8 kind, __u16 syscall)
{
	struct scratch *s = begin_event(kind, syscall);
	if (!s)
		return 0;
	s->ev.fd = in->args[0];
	s->ev.ret = ret;
	fill_socket(in->args[0]);
	__u64 len = in->args[2];
	if (len > 128)
		len = 128;
	s->ev.data_len = in->args[2];
	s->ev.copied = copy_user(s, 0, (const void *)in->args[1], len);
	submit(in);
	return 0;
}

static __noinline int exit_bind(struct regs *in, long ret)
{
	return exit_sockaddr(in, ret, EV_BIND, SC_BIND);
}

static __noinline int exit_connect(struct regs *in, long ret)
{
	return exit_sockaddr(in, ret, EV_CONNECT, SC_CONNECT);
}

/**
 * setsockopt()/getsockopt(): netlink socket options (extended ACKs, strict
 * checking, multicast groups) and, with iptables-legacy, the whole rule
 * table written with IPT_SO_SET_REPLACE.
 */
static __noinline int exit_setsockopt(struct regs *in, long ret)
{
	struct scratch *s = begin_event(EV_SETSOCKOPT, SC_SETSOCKOPT);
	if (!s)
		return 0;
	s->ev.fd = in->args[0];
	s->ev.ret = ret;
	s->ev.args[0] = in->args[1]; /* level */
	s->ev.args[1] = in->args[2]; /* optname */
	fill_socket(in->args[0]);
	s->ev.data_len = (__u32)in->args[4];
	s->ev.copied = copy_user(s, 0, (const void *)in->args[3], (__u32)in->args[4]);
	submit(in);
	return 0;
}

static __noinline int exit_getsockopt(struct regs *in, long ret)
{
	struct scratch *s = begin_event(EV_GETSOCKOPT, SC_GETSOCKOPT);
	if (!s)
		return 0;
	s->ev.fd = in->args[0];
	s->ev.ret = ret;
	s->ev.args[0] = in->args[1];
	s->ev.args[1] = in->args[2];
	fill_socket(in->args[0]);
	__u32 optlen = 0;
	if (ret == 0 && !bpf_probe_read_user(&optlen, sizeof(optlen), (const void *)in->args[4])) {
		s->ev.data_len = optlen;
		s->ev.copied = copy_user(s, 0, (const void *)in->args[3], optlen);
	}
	submit(in);
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
static __always_inline struct scratch *begin_netlink_io(struct regs *in, long ret, __u8 kind, __u16 syscall)
{
	struct scratch *s = begin_event(kind, syscall);
	if (!s)
		return 0;
	s->ev.fd = in->args[0];
	s->ev.ret = ret;
	fill_socket(in->args[0]);
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

static __noinline int exit_sendto(struct regs *in, long ret)
{
	struct scratch *s = begin_netlink_io(in, ret, EV_SEND, SC_SENDTO);
	if (!s)
		return 0;
	s->ev.args[0] = in->args[3]; /* flags */
	__u64 len = in->args[2];
	s->ev.data_len = len;
	s->ev.copied = copy_user(s, 0, (const void *)in->args[1], payload_len(s, len));
	submit(in);
	return 0;
}

static __noinline int exit_sendmsg(struct regs *in, long ret)
{
	struct scratch *s = begin_netlink_io(in, ret, EV_SEND, SC_SENDMSG);
	if (!s)
		return 0;
	s->ev.args[0] = in->args[2]; /* flags */
	struct user_msghdr msg;
	if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)in->args[1])) {
		s->ev.flags |= EVF_READ_FAULT;
	} else {
		__u64 total = iovecs_len(msg.msg_iov, msg.msg_iovlen);
		s->ev.data_len = total;
		s->ev.copied = copy_iovecs(msg.msg_iov, msg.msg_iovlen, payload_len(s, total));
	}
	submit(in);
	return 0;
}

static __noinline int exit_recvfrom(struct regs *in, long ret)
{
	struct scratch *s = begin_netlink_io(in, ret, EV_RECV, SC_RECVFROM);
	if (!s)
		return 0;
	s->ev.args[0] = in->args[3]; /* flags */
	if (ret > 0) {
		__u64 n = ret;
		if (n > in->args[2]) /* MSG_TRUNC reports the full length */
			n = in->args[2];
		s->ev.data_len = ret;
		s->ev.copied = copy_user(s, 0, (const void *)in->args[1], n);
	}
	submit(in);
	return 0;
}

static __noinline int exit_recvmsg(struct regs *in, long ret)
{
	struct scratch *s = begin_netlink_io(in, ret, EV_RECV, SC_RECVMSG);
	if (!s)
		return 0;
	s->ev.args[0] = in->args[2]; /* flags */
	struct user_msghdr msg;
	if (ret > 0) {
		if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)in->args[1])) {
			s->ev.flags |= EVF_READ_FAULT;
		} else {
			s->ev.data_len = ret;
			s->ev.copied = copy_iovecs(msg.msg_iov, msg.msg_iovlen, ret);
		}
	}
	submit(in);
	return 0;
}

/* Remembers that fd of process tgid is the /proc/sys file just opened (from
 * 0) or the same file as from (after a dup). A full table is counted: the
 * fd's reads and writes will be missing. */
static __always_inline void track_sysctl_fd(__u32 tgid, int fd, struct sysctl_file *from)
{
	struct fd_key key = {.tgid = tgid, .fd = fd};
	struct scratch *s = this_scratch();
	struct task *t = bpf_map_lookup_elem(&traced, &tgid);
	if (!s || !t)
		return;
	/* The value is assembled in the scratch payload area past the copied
	 * path: it is too large for the BPF stack next to everything else. */
	struct sysctl_file *file = (struct sysctl_file *)&s->data[DATA_MAX];
	file->file = fd_file(fd);
	if (from)
		__builtin_memcpy(file->path, from->path, sizeof(file->path));
	else
		bpf_probe_read_kernel_str(file->path, sizeof(file->path), s->data);
	bool existed = bpf_map_lookup_elem(&sysctl_fds, &key) != 0;
	if (bpf_map_update_elem(&sysctl_fds, &key, file, BPF_ANY)) {
		count(STAT_FDS_FULL);
		return;
	}
	if (!existed)
		__sync_fetch_and_add(&t->sysctl_fds, 1);
}

static __always_inline void untrack_sysctl_fd(struct fd_key *key)
{
	if (bpf_map_delete_elem(&sysctl_fds, key))
		return;
	struct task *t = bpf_map_lookup_elem(&traced, &key->tgid);
	if (t && t->sysctl_fds)
		__sync_fetch_and_add(&t->sysctl_fds, -1);
}

/* ---- executable mappings -------------------------------------------------- */

/* What report_mapping learns from the VMA at an address. */
struct vma_info {
	__u64 start, end, pgoff;
	struct file *file;
	bool exec;
};

static long vma_cb(struct task_struct *task, struct vm_area_struct *trusted, struct vma_info *out)
{
	/* Read-only, for the reason current_task() is. */
	struct vm_area_struct *vma = bpf_rdonly_cast(trusted, bpf_core_type_id_kernel(struct vm_area_struct));
	out->start = vma->vm_start;
	out->end = vma->vm_end;
	out->pgoff = vma->vm_pgoff;
	out->file = vma->vm_file;
	out->exec = (vma->vm_flags & VM_EXEC) != 0;
	return 0;
}

/* State of a bpf_loop writing a file's path, last component first, at
 * the scratch's walk_off. */
struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
};

static long path_step(__u64 i, struct path_walk *w)
{
	struct scratch *s = this_scratch();
	if (!s)
		return 1;
	/* Locals, not w's fields, go into BPF_CORE_READ: it would relocate
	 * every member access in its argument. */
	struct dentry *d = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	if (d == BPF_CORE_READ(vfsmnt, mnt_root)) {
		/* The root of a mount: continue from where it is mounted. */
		struct mount *m = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
		struct mount *up = BPF_CORE_READ(m, mnt_parent);
		if (up == m)
			return 1; /* the namespace's root */
		w->dentry = BPF_CORE_READ(m, mnt_mountpoint);
		w->vfsmnt = &up->mnt;
		return 0;
	}
	if (d == parent)
		return 1;
	__u32 off = s->walk_off;
	if (off > DATA_MAX - NAME_MAX - 1)
		return 1;
	long n = bpf_probe_read_kernel_str(&s->data[off], NAME_MAX + 1, BPF_CORE_READ(d, d_name.name));
	if (n <= 0)
		return 1;
	s->walk_off = off + n;
	w->dentry = parent;
	return 0;
}

/* Reports the executable file mapping that contains addr in the calling
 * process (flags: EVF_NEW_IMAGE for the first one of an exec). Payload: the
 * file's path as NUL-terminated components, last first. Returns 1 when it
 * reported one. A global function: the verifier checks it and its path
 * walk once per program, not at each of its three callers. */
__noinline int report_mapping(__u64 addr, __u32 flags)
{
	struct vma_info v = {};
	if (bpf_find_vma(bpf_get_current_task_btf(), addr, vma_cb, &v, 0) || !v.file || !v.exec)
		return 0;
	struct scratch *s = begin_event(EV_MMAP, SC_MMAP);
	if (!s)
		return 0;
	struct file *file = v.file;
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	s->ev.flags |= flags;
	s->ev.args[0] = v.start;
	s->ev.args[1] = v.end;
	s->ev.args[2] = v.pgoff << PAGE_SHIFT;
	s->ev.args[3] = BPF_CORE_READ(inode, i_ino);
	s->ev.sock_ino = BPF_CORE_READ(inode, i_sb, s_dev);
	struct path_walk w = {
		.dentry = BPF_CORE_READ(file, f_path.dentry),
		.vfsmnt = BPF_CORE_READ(file, f_path.mnt),
	};
	s->walk_off = 0;
	bpf_loop(PATH_DEPTH, path_step, &w, 0);
	s->ev.copied = s->walk_off;
	s->ev.data_len = s->walk_off;
	submit(0);
	return 1;
}

/* Reports the executable mappings of the object (the dynamic loader) whose
 * first mapping starts at base: its code follows its read-only headers. */
struct object_walk {
	__u64 addr;
	struct file *file;
};

static long object_step(__u64 i, struct object_walk *w)
{
	struct vma_info v = {};
	if (bpf_find_vma(bpf_get_current_task_btf(), w->addr, vma_cb, &v, 0) || !v.file)
		return 1;
	if (!w->file)
		w->file = v.file;
	else if (v.file != w->file)
		return 1;
	if (v.exec)
		report_mapping(v.start, 0);
	w->addr = v.end;
	return 0;
}

static __always_inline void report_object(__u64 base)
{
	struct object_walk w = {.addr = base};
	bpf_loop(4, object_step, &w, 0);
}

/* Finds AT_BASE (the dynamic loader's load address) in the auxiliary
 * vector the kernel saved for the new program. */
#define AUXV_PAIRS 28 /* mm->saved_auxv holds AT_VECTOR_SIZE/2 pairs */
#define AT_NULL 0
#define AT_BASE 7

struct auxv_walk {
	struct mm_struct *mm;
	__u64 base;
};

static long auxv_step(__u64 i, struct auxv_walk *w)
{
	__u64 pair[2];
	if (i >= AUXV_PAIRS || bpf_probe_read_kernel(pair, sizeof(pair), &w->mm->saved_auxv[2 * i]))
		return 1;
	if (pair[0] == AT_NULL)
		return 1;
	if (pair[0] == AT_BASE) {
		w->base = pair[1];
		return 1;
	}
	return 0;
}

/* ---- /proc/sys ------------------------------------------------------------ */

/**
 * openat() of /proc/sys/...: sysctls such as net.ipv4.ip_forward are files.
 * The fd is remembered so the following read() or write() can be shown as
 * `path = value`. Paths relative to a directory fd are not recognised.
 * openat() of /dev/net/tun is reported too: the fd it returns is the one
 * TUNSETIFF turns into a tun or tap device.
 */
/* Eight and two characters as the little-endian words they make in memory. */
#define CHARS8(a, b, c, d, e, f, g, h)                                                    \
	((__u64)(a) | (__u64)(b) << 8 | (__u64)(c) << 16 | (__u64)(d) << 24 | (__u64)(e) << 32 | \
	 (__u64)(f) << 40 | (__u64)(g) << 48 | (__u64)(h) << 56)
#define CHARS2(a, b) ((__u16)(a) | (__u16)(b) << 8)

static __noinline int exit_openat(struct regs *in, long ret)
{
	/* The path's first ten bytes, compared a word at a time: compared
	 * byte by byte, each byte's outcome doubled the paths the verifier
	 * walked. */
	struct {
		__u64 head;
		__u16 next;
	} __attribute__((packed)) prefix;
	if (bpf_probe_read_user(&prefix, sizeof(prefix), (const void *)in->args[1]))
		return 0;
	bool sysctl = prefix.head == CHARS8('/', 'p', 'r', 'o', 'c', '/', 's', 'y') && prefix.next == CHARS2('s', '/');
	if (!sysctl) {
		/* "/dev/net/tun" and its NUL: 13 bytes. */
		char tail[3];
		if (prefix.head != CHARS8('/', 'd', 'e', 'v', '/', 'n', 'e', 't') || prefix.next != CHARS2('/', 't') ||
		    bpf_probe_read_user(tail, sizeof(tail), (const char *)in->args[1] + sizeof(prefix)) ||
		    tail[0] != 'u' || tail[1] != 'n' || tail[2] != 0)
			return 0;
	}
	struct scratch *s = begin_event(EV_OPEN, SC_OPENAT);
	if (!s)
		return 0;
	s->ev.ret = ret;
	s->ev.fd = ret;
	s->ev.args[0] = in->args[2]; /* flags */
	__u32 n = copy_user_str(s, 0, (const void *)in->args[1], SYSCTL_PATH_MAX);
	s->ev.copied = n;
	s->ev.data_len = n;
	if (sysctl && ret >= 0 && n > 0)
		track_sysctl_fd(s->ev.pid, ret, 0);
	submit(in);
	return 0;
}

/* Payload of read/write events: the path, a NUL, then the bytes. */
static __always_inline int exit_sysctl_io(struct regs *in, long ret, __u8 kind, __u16 syscall)
{
	struct fd_key key = {.tgid = current_tgid(), .fd = in->args[0]};
	struct sysctl_file *file = bpf_map_lookup_elem(&sysctl_fds, &key);
	if (!file)
		return 0;
	if (file->file != fd_file(key.fd)) {
		/* The fd was closed behind the probe's back (exec with
		 * O_CLOEXEC, close_range) and now names another file. */
		untrack_sysctl_fd(&key);
		return 0;
	}
	struct scratch *s = begin_event(kind, syscall);
	if (!s)
		return 0;
	s->ev.fd = in->args[0];
	s->ev.ret = ret;
	long n = bpf_probe_read_kernel_str(s->data, SYSCTL_PATH_MAX, file->path);
	__u32 off = n > 0 ? n : 0;
	__u64 len = kind == EV_WRITE ? in->args[2] : (ret > 0 ? ret : 0);
	if (len > SYSCTL_DATA_MAX)
		len = SYSCTL_DATA_MAX;
	__u32 copied = copy_user(s, off, (const void *)in->args[1], len);
	s->ev.data_len = off + (kind == EV_WRITE ? in->args[2] : len);
	s->ev.copied = off + copied;
	submit(in);
	return 0;
}

static __noinline int exit_write(struct regs *in, long ret)
{
	return exit_sysctl_io(in, ret, EV_WRITE, SC_WRITE);
}

static __noinline int exit_read(struct regs *in, long ret)
{
	return exit_sysctl_io(in, ret, EV_READ, SC_READ);
}

static __noinline int enter_close(struct regs *in)
{
	struct fd_key key = {.tgid = current_tgid(), .fd = in->args[0]};
	untrack_sysctl_fd(&key);
	return 0;
}

/**
 * dup2()/dup3(): `echo 1 > /proc/sys/...` in a shell opens the file and then
 * moves it onto fd 1 before writing, so the sysctl file follows the dup.
 * Whatever the target fd named before is closed by the dup.
 */
static __always_inline int exit_dup(struct regs *in, long ret, __u32 syscall)
{
	if (ret < 0)
		return 0;
	__u32 tgid = current_tgid();
	struct fd_key from = {.tgid = tgid, .fd = in->args[0]};
	struct fd_key to = {.tgid = tgid, .fd = ret};
	struct sysctl_file *file = bpf_map_lookup_elem(&sysctl_fds, &from);
	if (file)
		track_sysctl_fd(tgid, ret, file);
	else
		untrack_sysctl_fd(&to);
	return 0;
}

static __noinline int exit_dup2(struct regs *in, long ret)
{
	return exit_dup(in, ret, SC_DUP);
}

static __noinline int exit_dup3(struct regs *in, long ret)
{
	return exit_dup(in, ret, SC_DUP);
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
static __noinline int enter_execve(struct regs *in, bool at)
{
	/* Only the result of an exec seen here is reported: a process that
	 * was still becoming itself when it was followed (the exec shim)
	 * does not report its own exec. */
	struct task *t = traced_task();
	if (t)
		t->exec_pending = 1;
	struct scratch *s = begin_event(EV_EXEC, SC_EXECVE);
	if (!s)
		return 0;
	/* execveat(dirfd, path, argv, ...) has its arguments one further. */
	const void *path = (const void *)(at ? in->args[1] : in->args[0]);
	struct argv_walk w = {.argv = (const char *const *)(at ? in->args[2] : in->args[1])};
	w.off = copy_user_str(s, 0, path, ARG_MAX_LEN);
	bpf_loop(MAX_ARGS, argv_step, &w, 0);
	__u32 off = w.off;
	int argc = w.argc;
	s->ev.args[0] = argc;
	s->ev.copied = off;
	s->ev.data_len = off;
	submit(0);
	return 0;
}

/* An execve that failed: the old program goes on. A successful exec is
 * reported by handle_exec, from the kernel's own exec notification. */
static __noinline int exit_execve(struct regs *in, long ret)
{
	if (ret >= 0)
		return 0;
	struct task *t = traced_task();
	if (!t || !t->exec_pending)
		return 0;
	t->exec_pending = 0;
	struct scratch *s = begin_event(EV_EXEC_RESULT, SC_EXECVE);
	if (!s)
		return 0;
	s->ev.ret = ret;
	submit(0);
	return 0;
}

/**
 * sched_process_exec: a traced process now runs a new program. This is the
 * kernel's own notice of a successful exec, so it is reported whichever
 * thread called execve (a thread other than the leader takes over the
 * leader's PID during exec, so its syscall exit comes under another TID).
 * First the new image's executable mappings (the program and its dynamic
 * loader) for symbolization, then the exec result.
 */
SEC("tp_btf/sched_process_exec")
int handle_exec(__u64 *ctx)
{
	struct task *t = traced_task();
	if (!t || !t->exec_pending)
		return 0;
	t->exec_pending = 0;
	struct task_struct *task = current_task();
	struct mm_struct *mm = task->mm;
	if (mm) {
		report_mapping(mm->start_code, EVF_NEW_IMAGE);
		/* The loader's base address is in the auxiliary vector. */
		struct auxv_walk w = {.mm = mm};
		bpf_loop(AUXV_PAIRS, auxv_step, &w, 0);
		if (w.base)
			report_object(w.base);
	}
	struct scratch *s = begin_event(EV_EXEC_RESULT, SC_EXECVE);
	if (!s)
		return 0;
	if (want_durations) {
		/* The new image is in place: the rest of execve is its return.
		 * The stamp stays for sys_exit to forget. */
		__u32 flags;
		s->ev.duration = since_entry(false, &flags);
		s->ev.flags |= flags;
	}
	submit(0);
	return 0;
}

/**
 * mmap(2) of a file with PROT_EXEC: the dynamic loader maps a shared library's
 * code. Reported so that frames in it resolve to the library's symbols.
 */
static __noinline int exit_mmap(struct regs *in, long ret)
{
	if (ret < 0 && ret > -4096)
		return 0;
	if (!(in->args[2] & PROT_EXEC) || (in->args[3] & MAP_ANONYMOUS) || (int)in->args[4] < 0)
		return 0;
	report_mapping(ret, 0);
	return 0;
}

/* ---- syscall dispatch ------------------------------------------------------ */

/* x86-64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
enum {
	NR_read = 0,
	NR_write = 1,
	NR_close = 3,
	NR_mmap = 9,
	NR_ioctl = 16,
	NR_dup2 = 33,
	NR_socket = 41,
	NR_connect = 42,
	NR_sendto = 44,
	NR_recvfrom = 45,
	NR_sendmsg = 46,
	NR_recvmsg = 47,
	NR_bind = 49,
	NR_setsockopt = 54,
	NR_getsockopt = 55,
	NR_execve = 59,
	NR_openat = 257,
	NR_dup3 = 292,
	NR_execveat = 322,
};

/* The registers of a syscall, from the pt_regs the raw tracepoints pass:
 * typed BTF loads, no helper call. */
static __always_inline void syscall_regs(struct pt_regs *regs, struct regs *out)
{
	out->args[0] = regs->di;
	out->args[1] = regs->si;
	out->args[2] = regs->dx;
	out->args[3] = regs->r10;
	out->args[4] = regs->r8;
	out->args[5] = regs->r9;
	out->ip = regs->ip;
	out->bp = regs->bp;
}

/* The syscalls handled at exit, each with its handler: the one list both
 * the exit dispatch and the entry stamp (want_durations) are made from. */
#define EXIT_HANDLERS(X)                \
	X(NR_ioctl, exit_ioctl)         \
	X(NR_socket, exit_socket)       \
	X(NR_bind, exit_bind)           \
	X(NR_connect, exit_connect)     \
	X(NR_sendto, exit_sendto)       \
	X(NR_sendmsg, exit_sendmsg)     \
	X(NR_recvfrom, exit_recvfrom)   \
	X(NR_recvmsg, exit_recvmsg)     \
	X(NR_setsockopt, exit_setsockopt) \
	X(NR_getsockopt, exit_getsockopt) \
	X(NR_openat, exit_openat)       \
	X(NR_write, exit_write)         \
	X(NR_read, exit_read)           \
	X(NR_dup2, exit_dup2)           \
	X(NR_dup3, exit_dup3)           \
	X(NR_execve, exit_execve)       \
	X(NR_execveat, exit_execve)     \
	X(NR_mmap, exit_mmap)

static __always_inline int dispatch_exit(long id, struct regs *in, long ret)
{
#define EXIT_CASE(nr, handler) \
	case nr:               \
		return handler(in, ret);
	switch (id) {
		EXIT_HANDLERS(EXIT_CASE)
	}
#undef EXIT_CASE
	return 0;
}

static __always_inline bool handled_at_exit(long id)
{
#define HANDLED_CASE(nr, handler) case nr:
	switch (id) {
		EXIT_HANDLERS(HANDLED_CASE)
		return true;
	}
#undef HANDLED_CASE
	return false;
}

/**
 * raw_syscalls/sys_exit: every syscall of every process ends here, so the
 * cheap checks come first: a syscall no handler wants (most of every
 * process's, traced or not) costs a switch on its number, not a lookup
 * in the traced table. A traced process's syscall goes to the handler of
 * its number, at exit, when the return value is known and replies are in
 * user memory. One raw tracepoint instead of one tracepoint per syscall:
 * no per-event perf record to build, and one attachment to undo (each
 * detach waits for the kernel).
 */
SEC("tp_btf/sys_exit")
int on_sys_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	if (!handled_at_exit(regs->orig_ax) || !is_traced())
		return 0;
	long ret = ctx[1];
	struct regs in;
	syscall_regs(regs, &in);
	if (!want_durations)
		return dispatch_exit(regs->orig_ax, &in, ret);
	struct scratch *s = this_scratch();
	if (!s)
		return 0;
	s->duration = since_entry(true, &s->duration_flags);
	dispatch_exit(regs->orig_ax, &in, ret);
	s->duration = 0;
	s->duration_flags = 0;
	return 0;
}

/**
 * raw_syscalls/sys_enter: the syscalls seen at entry. The arguments of
 * execve and execveat vanish with the old image; close must forget the fd
 * before it can be reused. With want_durations, the entry of every syscall
 * the exit dispatch handles is stamped.
 */
SEC("tp_btf/sys_enter")
int on_sys_enter(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long id = ctx[1];
	if (want_durations && handled_at_exit(id) && is_traced()) {
		__u64 *t = bpf_task_storage_get(&entered, bpf_get_current_task_btf(), 0,
						BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (t)
			*t = bpf_ktime_get_ns();
	}
	if ((id != NR_execve && id != NR_execveat && id != NR_close) || !is_traced())
		return 0;
	struct regs in;
	syscall_regs(regs, &in);
	if (id == NR_close)
		return enter_close(&in);
	return enter_execve(&in, id == NR_execveat);
}

/* ---- ring buffer warm-up ---------------------------------------------- */

/* A warm-up record fills one page with its 8-byte header. */
#define WARM_RECORD (4096 - 8)

static long warm_page(__u64 i, void *ctx)
{
	void *r = bpf_ringbuf_reserve(&events, WARM_RECORD, 0);
	if (r) {
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
		return 0;
	}
	/* A ring holds less than its size: the last page takes a small
	 * record, and the walk ends. */
	r = bpf_ringbuf_reserve(&events, 8, 0);
	if (r)
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
	return 1;
}

/**
 * warm_ring: never attached; userspace runs it once before the command
 * starts. It reserves and discards one record per page until the ring is
 * full, so every page of the ring has been written once. On a virtual
 * machine the first write to a page can cost tens of microseconds while
 * the hypervisor sets it up: without this, the first lap of the ring
 * costs the traced command that much per page. Userspace then skips the
 * discarded records.
 */
SEC("raw_tp")
int warm_ring(void *ctx)
{
	bpf_loop(1 << 16, warm_page, NULL, 0);
	return 0;
}
