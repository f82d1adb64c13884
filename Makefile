# ncf: `make` runs the main job at the default scale, `make test` runs the tests.
# Every target installs what it needs by itself, idempotently: Deno from npm,
# the apt packages, the tracer build.

SHELL := /bin/bash
.DEFAULT_GOAL := all

SCALE ?= small
DENO_VERSION := 2.9.6
TOOLS := .tools
DENO := $(TOOLS)/node_modules/.bin/deno
RUN := $(DENO) run -A

# Debian packages: the tracer's tool kit, the static side, compilers, and the
# SPEC CPU2006-analog workloads (PAPER.md section 4).
APT_PACKAGES := valgrind binutils gcc gcc-12 clang make bzip2 perl gnugo hmmer \
  sjeng libquantum-dev libx264-dev xalan
APT_STAMP := build/.apt-$(shell echo $(APT_PACKAGES) | md5sum | cut -c1-8)
# Only the tests need these: the report test opens report.html in headless Chromium.
TEST_APT_PACKAGES := chromium
TEST_APT_STAMP := build/.apt-test-$(shell echo $(TEST_APT_PACKAGES) | md5sum | cut -c1-8)

# The Valgrind tool (lib/trace/tracer/*.c), built against the installed tool kit.
VG_LIBDIR := /usr/lib/x86_64-linux-gnu/valgrind
VG_RUNDIR := /usr/libexec/valgrind
TRACER_DIR := build/valgrind
TRACER := $(TRACER_DIR)/ncftrace-amd64-linux
TRACER_SRC := $(wildcard lib/trace/tracer/*.c lib/trace/tracer/*.h)
TRACER_CFLAGS := -O2 -g -std=gnu11 -Wall -Wno-unused-parameter \
  -DVGA_amd64=1 -DVGO_linux=1 -DVGP_amd64_linux=1 -DVGPV_amd64_linux_vanilla=1 \
  -I/usr/include/valgrind -fno-stack-protector -fno-builtin -fno-pie -fno-strict-aliasing \
  -fomit-frame-pointer
TRACER_LDFLAGS := -static -nodefaultlibs -nostartfiles -u _start -Wl,--build-id=none \
  -Wl,-Ttext-segment=0x58000000 -no-pie

.PHONY: all deps deno apt tracer traces corpus test bench bench-trace bench-model bench-baselines report fmt lint check clean

# The studies are listed in experiments/registry.ts; `deno task exp list` shows them.
# Seeds per study (3 at small scale, 5 at full) and training processes at once.
SEEDS ?= $(if $(filter full,$(SCALE)),5,3)
JOBS ?= 2
EXP_ARGS = --scale $(SCALE) --seeds $(SEEDS) --jobs $(JOBS)
.PHONY: experiments

# Traces -> every study -> results/setup.json -> the report.
all: experiments
	$(RUN) experiments/run.ts report

deps: deno apt tracer

deno: $(DENO) node_modules/.deno-stamp

$(DENO):
	npm install --prefix $(TOOLS) --no-save --no-package-lock --no-audit --no-fund \
	  deno@$(DENO_VERSION)
	@touch $@

# npm packages pinned in deno.json / deno.lock, installed into node_modules/.
node_modules/.deno-stamp: deno.json deno.lock | $(DENO)
	$(DENO) install --frozen
	@touch $@

apt: $(APT_STAMP)

# One recipe for both stamps; PKGS says which packages each needs.
$(APT_STAMP): PKGS := $(APT_PACKAGES)
$(TEST_APT_STAMP): PKGS := $(TEST_APT_PACKAGES)
$(APT_STAMP) $(TEST_APT_STAMP):
	@missing=$$(for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages: $$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p build && touch $@

tracer: $(TRACER)

# Rebuilt when its sources or flags change (a stamp named by the flags' hash,
# not the Makefile: any Makefile edit would rebuild it and retrace the corpus).
TRACER_FLAGS_STAMP := build/.tracer-flags-$(shell echo '$(TRACER_CFLAGS) $(TRACER_LDFLAGS)' | md5sum | cut -c1-8)
$(TRACER_FLAGS_STAMP):
	@mkdir -p build && touch $@

$(TRACER): $(TRACER_SRC) $(TRACER_FLAGS_STAMP) | $(APT_STAMP)
	@mkdir -p $(TRACER_DIR)
	gcc $(TRACER_CFLAGS) -o $@ $(filter %.c,$(TRACER_SRC)) $(TRACER_LDFLAGS) \
	  $(VG_LIBDIR)/libcoregrind-amd64-linux.a $(VG_LIBDIR)/libvex-amd64-linux.a -lgcc
	ln -sf $(VG_RUNDIR)/vgpreload_core-amd64-linux.so $(TRACER_DIR)/
	ln -sf $(VG_RUNDIR)/none-amd64-linux $(VG_RUNDIR)/lackey-amd64-linux $(TRACER_DIR)/

# Trace every workload x input (data/workloads.json); ONLY=a,b limits the workloads.
traces: deps
	SCALE=$(SCALE) $(RUN) lib/workloads/cli.ts traces --scale $(SCALE) $(if $(ONLY),--only $(ONLY))

# Every study of experiments/registry.ts in order, then results/setup.json; each
# reuses what is cached in data/cache/experiments/ and resumes when interrupted.
experiments: traces corpus
	$(RUN) experiments/run.ts all $(EXP_ARGS)
	$(RUN) experiments/classifier.ts --scale $(SCALE)

# One study: make experiment-branch_prediction.
experiment-%: traces corpus
	$(RUN) experiments/run.ts $* $(EXP_ARGS)

# The algorithm-classification corpus (data/algorithms/): build, trace, index;
# ONLY=a,b limits the classes.
corpus: deps
	$(RUN) lib/algorithms/cli.ts corpus --scale $(SCALE) $(if $(ONLY),--only $(ONLY))

test: deps $(TEST_APT_STAMP)
	$(DENO) test -A --parallel tests/

# results/report.md and the self-contained results/report.html, from whatever
# results/*.json, *.csv and *.png the experiments have written.
report: deno
	$(RUN) experiments/run.ts report

bench: bench-trace

bench-trace: deps
	$(RUN) bench/trace.ts

# Throughput of the history-based baselines (branch predictors; prefetchers).
bench-baselines: deno
	$(RUN) bench/baselines_branch.ts
	$(RUN) bench/baselines_prefetch.ts

# PyTorch reference for bench/model.ts: Debian's torch on OpenBLAS (the
# reference BLAS is 13x slower, see NOTES.md), installed once.
TORCH_STAMP := build/.apt-torch
$(TORCH_STAMP):
	@sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	missing=$$(for p in python3-torch libopenblas0-pthread; do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages: $$missing"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi; \
	$$sudo update-alternatives --auto libblas.so.3-x86_64-linux-gnu; \
	update-alternatives --query libblas.so.3-x86_64-linux-gnu | grep -q '^Value: .*openblas' || \
	  { echo "error: libblas.so.3 does not point to OpenBLAS"; exit 1; }
	@mkdir -p build && touch $@

bench-model: deno $(TORCH_STAMP)
	$(RUN) bench/model.ts

fmt: deno
	$(DENO) fmt

lint: deno
	$(DENO) lint

check: deno
	$(DENO) check lib/ experiments/ tests/ bench/

clean:
	rm -rf build data/cache
