// Package dockerd runs a throwaway real Docker daemon: Debian's docker.io
// 20.10 with the containerd it starts itself, inside private network, mount
// and PID namespaces, driven through a short script of Docker CLI actions
// (see [Script]): daemon start (docker0 appears), a user-defined bridge
// network with a container on it, a container on the default bridge that
// publishes a port, a macvlan network on a veth parent with a container on
// it, daemon stop. It is netexplore's ground truth: what the re-enacted
// steps send is compared with what the real daemon sends, and the same run
// can be recorded under the probe as a session.
//
// There are two ways in:
//
//   - [Run] does the work in the calling process, which must already be in
//     private network and mount namespaces (and should be in a PID namespace
//     of its own too, so that a SIGKILL leaves nothing behind).
//   - [Argv] and [Command] re-execute the current binary in fresh
//     namespaces, so that the whole run is one process tree whose root the
//     caller starts itself: probe.StartTraced(Argv(cfg), ...) follows it from
//     its first instruction. The program's main (or a test binary's
//     TestMain) must hand over to [RoleMain] when [IsRole] reports true.
//
// Each step is bracketed by a [Hook] call; a re-executed run issues the
// step markers of package marker there and writes a [Report] line to its
// standard output.
//
// Nothing lands on the host: the mount tree is made private and fresh tmpfs
// mounts cover /run (which holds the daemon's data and exec roots, its
// socket and every temporary file) and /opt (where containerd makes its
// plugin directories), the links and firewall rules live in the private
// network namespace, and the containers' cgroups sit under one parent,
// /netexplore-dockerd-<pid>, that is removed at the end (and by the next
// run, if a run was killed before it could).
package dockerd
