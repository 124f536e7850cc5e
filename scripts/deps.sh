#!/bin/sh
# Installs (as root) or checks the Debian/Ubuntu packages netexplore's tests
# and maintenance targets use, and makes sure tracefs is mounted. `make deps`
# runs it; `make test` and CI run `make deps` first, so a fresh machine
# needs nothing else.
#
# Why each package: iptables/nftables for the firewall steps; iproute2,
# iputils-ping and iputils-arping as reference commands; ethtool,
# net-tools (route, arp) and bridge-utils (brctl) for the traces of their
# ioctls; strace for the decoder agreement tests and the benchmark; tshark
# to check pcapng exports; tmux for the terminal tests; jq to check that
# trace --format json parses; time (GNU time) to measure peak memory in the
# tests and the benchmark; clang-14, llvm-14 and libbpf-dev (its headers)
# to rebuild the probe; docker.io, containerd, runc and busybox-static for
# the tests against the real Docker daemon (never started as services); python3 for raw-socket test programs; node and npm
# for the test that parses the exports' Mermaid diagrams (it installs the
# parser itself, with npm, into the user's cache directory).
set -eu

packages="iptables nftables iproute2 iputils-ping iputils-arping procps ethtool net-tools bridge-utils strace tshark tmux jq time
clang-14 llvm-14 libbpf-dev bpftool make git python3
docker.io containerd runc busybox-static"
# node may come from elsewhere than Debian (NodeSource's nodejs bundles
# npm): only ask for Debian's when there is none.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	packages="$packages nodejs npm"
fi

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "deps: missing:$missing" >&2
		echo "deps: install them as root: apt-get install$missing" >&2
		echo "deps: (tests that need them are skipped, and kernel tests need root anyway)" >&2
		exit 0
	fi
	echo "deps: installing$missing"
	# Packages such as docker.io would start their daemons on install;
	# netexplore only ever runs them inside throwaway namespaces.
	policy=/usr/sbin/policy-rc.d
	added_policy=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		added_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	status=0
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; } || status=$?
	[ -n "$added_policy" ] && rm -f "$policy"
	if [ "$status" != 0 ]; then
		echo "deps: apt-get failed (status $status)" >&2
		exit "$status"
	fi
fi

# netexplore starts its own Docker daemon in throwaway namespaces and never
# touches one that runs as a service; say so if the install started one.
for daemon in dockerd containerd; do
	if pgrep -x "$daemon" >/dev/null 2>&1; then
		echo "deps: note: $daemon runs on this machine; netexplore leaves it alone and starts its own in throwaway namespaces" >&2
	fi
done

# The probe attaches to tracepoints, which live in tracefs.
if [ "$(id -u)" = 0 ] && [ ! -d /sys/kernel/tracing/events/syscalls ]; then
	mkdir -p /sys/kernel/tracing
	mount -t tracefs tracefs /sys/kernel/tracing
fi
echo "deps: ok"
