#!/bin/sh
# Copies the libbpf headers the probe needs from Debian's libbpf-dev
# (apt-get install libbpf-dev). They are vendored so `make generate` needs
# only clang. libbpf is dual licensed LGPL-2.1 OR BSD-2-Clause.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for h in bpf_helpers.h bpf_helper_defs.h bpf_core_read.h bpf_tracing.h bpf_endian.h; do
	cp "/usr/include/bpf/$h" "$here/bpf/$h"
done
