package rtnl

// The tables of the rtnetlink families added after the hand-written ones
// are generated from the kernel's netlink specs; see internal/nlspecgen.
// Set NETLINK_SPECS to a copy of the kernel's Documentation/netlink/specs.

//go:generate go run ../../../internal/nlspecgen -spec tc -member-prefix tcmsg=tcm_ -set-prefix tc-attrs=tca-,tc-act-attrs=tca-act-,tc-act-stats-attrs=tca-stats-,tc-act-bpf-attrs=tca-act-bpf-,tc-act-simple-attrs=tca-def-,tc-netem-loss-attrs=netem-loss-,tca-gred-vq-list-attrs=tca-gred-vq-,tca-gred-vq-entry-attrs=tca-gred-vq-,tc-taprio-sched-entry-list=tca-taprio-sched- -set-rewrite tc-act-=tca-,tc-=tca-
//go:generate go run ../../../internal/nlspecgen -spec rt-rule -var rule -member-prefix fib-rule-hdr=
