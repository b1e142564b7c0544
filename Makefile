# oar: build, test, lint and package. `make test` installs what the tests
# need on a fresh Debian machine (apt packages and a Python virtualenv),
# then runs every test against real processes on loopback.

CARGO ?= cargo
PREFIX ?= /usr/local
VENV := target/test-venv
STATIC_TARGET := x86_64-unknown-linux-musl
APT_PACKAGES := docker-registry apache2-utils openssl skopeo time zsh fish curl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build test test-deps lint man install demo static fuzz mutants bench clean \
	dist dist-deps dist-check publish test-release

# Release builds (tests/dist.sh): x86_64 and aarch64, static musl.
# OAR_SKIP_CROSS=1 leaves aarch64 out, saying so, where its target cannot
# be installed; otherwise a missing aarch64 toolchain fails the build.
CROSS_TARGET := aarch64-unknown-linux-musl
CROSS_APT := gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
DIST_ARCHS := x86_64 $(if $(filter 1,$(OAR_SKIP_CROSS)),,aarch64)
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' Cargo.toml | head -n 1)

all: build

build:
	$(CARGO) build --release

# Debian packages the tests run for real: the registry, htpasswd for its
# basic auth, openssl for test certificates, skopeo as a second OCI tool,
# GNU time to measure peak memory, curl for the benchmark's baselines.
test-deps:
	@missing=""; \
	for c in docker-registry htpasswd openssl skopeo zsh fish curl; do command -v $$c >/dev/null || missing=1; done; [ -x /usr/bin/time ] || missing=1; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get install -y --no-install-recommends $(APT_PACKAGES) || \
	  { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(APT_PACKAGES); }; \
	fi
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV) || \
	  { rm -rf $(VENV); $(SUDO) apt-get install -y --no-install-recommends python3-venv && python3 -m venv $(VENV); }
	@$(VENV)/bin/python -c 'import oras' 2>/dev/null || $(VENV)/bin/pip install --quiet 'oras==0.2.43'

# The benchmark runs once at tiny sizes with the debug binary the tests
# built (seconds), so that it cannot rot between `make bench` runs; it
# checks commands, digests and RSS (a debug build needs a few MiB more
# than the release build's bound), not the speed targets.
test: test-deps
	OAR_TEST_PYTHON=$(CURDIR)/$(VENV)/bin/python $(CARGO) test --all-targets
	$(CARGO) test --doc
	BENCH_SMOKE=1 OAR=target/debug/oar BENCH_PYTHON=$(VENV)/bin/python sh tests/bench.sh
	$(MAKE) test-release

# The release where it runs: `make dist`'s binaries through the smoke test
# (aarch64 under qemu), the x86_64 build made again from another directory
# and compared byte for byte, and the release published to a registry and
# pulled back per platform. (Both architectures are compared by
# `make dist-check`; in `make test` the second aarch64 build would cost
# another two minutes.)
test-release: test-deps dist
	sh tests/dist.sh build target/dist-repro x86_64
	sh tests/dist.sh compare target/dist target/dist-repro x86_64
	@for a in $(DIST_ARCHS); do sh tests/cross_smoke.sh $$a target/dist/oar-$(VERSION)-linux-$$a/oar || exit 1; done
	sh tests/publish.sh --test target/dist

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
	RUSTDOCFLAGS='-D warnings' $(CARGO) doc --no-deps
	cd tests/fuzz && $(CARGO) check --quiet

man:
	$(CARGO) run --quiet -- __man man

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 target/release/oar $(DESTDIR)$(PREFIX)/bin/oar
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

# The embedded default: push a file into an OCI image layout, pull it
# back, show the manifest. No server is needed.
demo: build
	@rm -rf target/demo && mkdir -p target/demo
	@echo "hello from oar" > target/demo/hello.txt
	cd target/demo && ../release/oar push --oci-layout layout:v1 hello.txt
	cd target/demo && ../release/oar pull --oci-layout layout:v1 -o pulled
	cmp target/demo/hello.txt target/demo/pulled/hello.txt
	cd target/demo && ../release/oar manifest fetch --oci-layout --pretty layout:v1

# A stripped, statically linked x86_64 Linux binary (musl; ring builds
# with gcc).
# Relocations packed as RELR, as `make dist` builds (110 KB smaller).
STATIC_RUSTFLAGS := -C link-arg=-Wl,-z,pack-relative-relocs
static:
	rustup target add $(STATIC_TARGET) >/dev/null 2>&1 || true
	CC_x86_64_unknown_linux_musl=gcc CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="$(STATIC_RUSTFLAGS)" \
	  $(CARGO) build --release --target $(STATIC_TARGET)
	@ls -l target/$(STATIC_TARGET)/release/oar
	@ldd target/$(STATIC_TARGET)/release/oar 2>&1 || true

# The Rust targets and, for aarch64, Debian's cross gcc (ring's C), its
# libc headers and qemu-user-static (to run what it builds).
dist-deps:
	rustup target add $(STATIC_TARGET)
	@if [ "$(OAR_SKIP_CROSS)" = 1 ]; then \
	  echo "*** OAR_SKIP_CROSS=1: the aarch64 release is NOT built and NOT tested ***" >&2; \
	else \
	  rustup target add $(CROSS_TARGET) || { echo "*** cannot install the Rust target $(CROSS_TARGET): the aarch64 release cannot be built or tested (OAR_SKIP_CROSS=1 skips it) ***" >&2; exit 1; }; \
	  missing=""; for c in aarch64-linux-gnu-gcc qemu-aarch64-static; do command -v $$c >/dev/null || missing=1; done; \
	  [ -f /usr/aarch64-linux-gnu/include/stdint.h ] || missing=1; \
	  if [ -n "$$missing" ]; then \
	    $(SUDO) apt-get install -y --no-install-recommends $(CROSS_APT) || \
	    { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(CROSS_APT); } || \
	    { echo "*** cannot install $(CROSS_APT): the aarch64 release cannot be built or tested (OAR_SKIP_CROSS=1 skips it) ***" >&2; exit 1; }; \
	  fi; \
	fi

# target/dist: oar-VERSION-linux-{x86_64,aarch64}.tar.gz and SHA256SUMS,
# built from the last commit; fails if a binary passes 3 MiB.
dist: dist-deps
	sh tests/dist.sh build target/dist $(DIST_ARCHS)

# Reproducibility: a second, independent build into target/dist-check
# must give the same bytes (binaries, tarballs, SHA256SUMS).
dist-check: dist
	sh tests/dist.sh build target/dist-check $(DIST_ARCHS)
	sh tests/dist.sh compare target/dist target/dist-check $(DIST_ARCHS)

# `make publish REGISTRY=host/repo`: pushes target/dist with its own oar
# as a multi-platform index tagged VERSION and latest (tests/publish.sh);
# PUBLISH_FLAGS go to every oar command (e.g. --plain-http).
publish: dist
	@[ -n "$(REGISTRY)" ] || { echo "usage: make publish REGISTRY=host/repo [PUBLISH_FLAGS=...]" >&2; exit 1; }
	sh tests/publish.sh target/dist $(REGISTRY) $(PUBLISH_FLAGS)

# Fuzz every parser that reads untrusted input for FUZZ_SECONDS each
# (cargo-fuzz needs the nightly toolchain; it is installed if missing).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := reference www_authenticate manifest docker_config tar_entries link_header ranges
fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install --locked cargo-fuzz
	@for t in $(FUZZ_TARGETS); do \
	  echo "== fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  $(CARGO) +nightly fuzz run --fuzz-dir tests/fuzz $$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 || exit 1; \
	done

# Mutation testing with cargo-mutants (installed if missing): the code is
# broken one small change at a time, and every change no test noticed (a
# survivor) is printed. Not part of `make test`: each mutant is a rebuild.
#   scope     the Rust files changed since BASE (default main, uncommitted
#             changes included), or MUTANTS_FILE (a file, or a glob such
#             as 'src/ops/restore/*.rs')
#   tests     MUTANTS_TESTS, the `cargo test` arguments per mutant (default
#             `--all-targets`: the whole suite, hours); narrow it, e.g.
#             MUTANTS_TESTS='--lib --test integration -- proxy proxies::'
#   time      MUTANTS_TIMEOUT seconds for one mutant's tests (default 300);
#             MUTANTS_BUDGET seconds for the whole run (default 3600): the
#             run is then interrupted and what it tested is reported
#   jobs      MUTANTS_JOBS parallel mutants (default 1)
#   place     by default the tree is copied and built afresh once per run;
#             MUTANTS_IN_PLACE=1 mutates this tree and reuses target/
#             (minutes sooner, one mutant at a time; edit nothing under
#             src/ while it runs)
# Results: target/mutants.out/ (caught.txt, missed.txt, timeout.txt).
BASE ?= main
MUTANTS_FILE ?=
MUTANTS_TESTS ?= --all-targets
MUTANTS_TIMEOUT ?= 300
MUTANTS_BUDGET ?= 3600
MUTANTS_JOBS ?= 1
MUTANTS_IN_PLACE ?=
mutants:
	@command -v cargo-mutants >/dev/null || $(CARGO) install --locked cargo-mutants
	@mkdir -p target && rm -rf target/mutants.out
	@if [ -n "$(MUTANTS_FILE)" ]; then scope="--file $(MUTANTS_FILE)"; \
	else git diff "$$(git merge-base $(BASE) HEAD)" -- '*.rs' > target/mutants.diff; \
	  scope="--in-diff target/mutants.diff"; fi; \
	timeout -s INT $(MUTANTS_BUDGET) $(CARGO) mutants $$scope \
	  $(if $(MUTANTS_IN_PLACE),--in-place,--jobs $(MUTANTS_JOBS)) --timeout $(MUTANTS_TIMEOUT) --output target --no-shuffle \
	  -- $(MUTANTS_TESTS); rc=$$?; \
	out=target/mutants.out; \
	for k in caught missed timeout unviable; do \
	  printf '%s %s\n' "$$k" "$$(cat $$out/$$k.txt 2>/dev/null | wc -l)"; done; \
	echo "== survivors ($$out/missed.txt)"; cat $$out/missed.txt 2>/dev/null; \
	[ $$rc = 124 ] && echo "== stopped after MUTANTS_BUDGET=$(MUTANTS_BUDGET) s"; \
	[ ! -s $$out/missed.txt ]

# oar against curl, openssl, a keep-alive client, oras-py and skopeo, in
# one run on this machine: one table of ratios against issue 14's targets,
# failing on a missed one (BENCH_ENFORCE=0 only reports). The knobs
# (BENCH_MIB, BENCH_FILES, BENCH_CP_MIB, BENCH_RUNS, BENCH_MAX_RSS_MIB)
# are described in tests/bench.sh.
bench: build static test-deps
	OAR=target/release/oar BENCH_PYTHON=$(VENV)/bin/python sh tests/bench.sh

clean:
	$(CARGO) clean
