# netexplore — build, test and maintenance targets. `make help` lists them.

GO        ?= go
CLANG     ?= clang-14
STRIP     ?= llvm-strip-14
BIN       ?= bin/netexplore
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
FUZZTIME  ?= 5s
BENCHTIME ?= 0.2s

.PHONY: help deps build run test test-short fuzz fuzz-one bench generate check-generate lint golden docs clean recordings recordings-docker docker-versions-evidence

help: ## list the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-z-]+:.*## /{printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build bin/netexplore (no clang needed: the probe object is committed)
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/netexplore

run: deps build ## open the walkthrough of Docker's default bridge (as root; falls back to replay)
	./$(BIN)

deps: ## install (as root) or check the Debian packages the tests use; mount tracefs
	@./scripts/deps.sh

test: deps ## every test (kernel tests need root), then a short fuzz of every decoder
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz

test-short: ## pure tests only
	$(GO) test -short ./...

fuzz: ## run each fuzz target for FUZZTIME (default 5s)
	@set -e; for pkg in $$($(GO) list ./...); do \
		dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
		for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
			echo "fuzz $$pkg $$t"; \
			if ! $(MAKE) --no-print-directory fuzz-one PKG=$$pkg TARGET=$$t; then \
				if [ -n "$$(git status --porcelain -- "$$dir/testdata/fuzz")" ]; then \
					echo "fuzz $$t found a failing input (saved under $$dir/testdata/fuzz)"; exit 1; \
				fi; \
				echo "fuzz $$t: the fuzzer stopped without recording a failing input; running it once more"; \
				$(MAKE) --no-print-directory fuzz-one PKG=$$pkg TARGET=$$t; \
			fi; \
		done; \
	done

fuzz-one: # one fuzz target: make fuzz-one PKG=... TARGET=...
	@log=$$(mktemp); \
	if ! $(GO) test -run '^$$' -fuzz '^$(TARGET)$$' -fuzztime $(FUZZTIME) $(PKG) >$$log 2>&1; then \
		grep -v '^fuzz: elapsed' $$log | tail -40; rm -f $$log; \
		echo "rerun with: go test -run '^$$' -fuzz '^$(TARGET)$$' $(PKG)"; exit 1; \
	fi; rm -f $$log

bench: build ## Go benchmarks, then the syscall storm (280k and 3M events) untraced / traced / under strace; the last line sums it up
	$(GO) test -p 1 -run '^$$' -bench . -benchtime $(BENCHTIME) ./...
	$(GO) run ./internal/bench/storm -netexplore $(BIN)

generate: ## rebuild the eBPF object and Go bindings (needs: apt-get install clang-14 llvm-14 libbpf-dev)
	BPF2GO_CC=$(CLANG) BPF2GO_STRIP=$(STRIP) $(GO) generate ./bpf/...

check-generate: generate ## fail if the committed eBPF output is stale
	git diff --exit-code -- bpf/

lint: ## gofmt, go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

golden: ## rewrite the TUI golden files
	$(GO) test ./tui/... -update

docs: build ## regenerate docs/walkthrough/ from the built-in recordings (one page per scenario, and an index)
	$(GO) run ./internal/docgen -o docs

clean: ## remove build output
	rm -rf bin

# The scenarios to record (default: every one `run --scenario list`
# names); DOCKER_VERSIONS, when set, also records each with
# --docker-version V into session/recorded/SCENARIO@V.nxs.
SCENARIOS       ?=
DOCKER_VERSIONS ?=

recordings: build ## re-record the built-in sessions, one per scenario, on this kernel (as root); then make docs golden
	@set -e; scenarios="$(SCENARIOS)"; \
	[ -n "$$scenarios" ] || scenarios=$$(./$(BIN) run --scenario list | awk 'NR > 1 { print $$1 }'); \
	for s in $$scenarios; do \
		./$(BIN) record --scenario $$s -o session/recorded/$$s.nxs; \
		for v in $(DOCKER_VERSIONS); do \
			./$(BIN) record --scenario $$s --docker-version $$v -o session/recorded/$$s@$$v.nxs; \
		done; \
	done; chmod 0644 session/recorded/*.nxs

# The scenarios that re-enact the real daemon's script (compare.DockerPairs).
DOCKER_SCENARIOS ?= join user-bridge macvlan

recordings-docker: build ## re-record the real dockerd 20.10 (Debian's docker.io) and its re-enactments, for replay --docker and compare --builtin (as root)
	@set -e; for s in $(DOCKER_SCENARIOS); do \
		./$(BIN) record --scenario $$s --docker-version 20.10 -o session/recorded/$$s@20.10.nxs; \
	done; \
	NETEXPLORE_SAVE_DOCKER=$$PWD/session/recorded/real/docker-20.10.nxs $(GO) test -count=1 -run 'TestRealDocker2010$$' ./session/compare; \
	./$(BIN) docker -o session/recorded/real/docker-20.10-libnetwork.nxs; \
	chmod 0644 session/recorded/*.nxs session/recorded/real/*.nxs

docker-versions-evidence: build ## re-record docs/evidence, what docs/docker-versions.md is made from (as root)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; mkdir -p docs/evidence; \
	for v in 20.10 29; do for s in join user-bridge; do \
		./$(BIN) record --no-stacks --docker-version $$v --scenario $$s -o $$tmp/$$s-$$v.nxs; \
		$(GO) run ./internal/docgen -trim docs/evidence/$$s-$$v.nxs $$tmp/$$s-$$v.nxs; \
	done; done
