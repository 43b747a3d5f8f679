# wear: build, test, benchmark and demo. `make help` lists the targets.
SWIFT ?= swift
# The CPU the release binaries are built for (scripts/cpu-targets): x86-64-v3
# runs on any AVX2 x86-64; EPYC_CPU is the AMD EPYC family of `make release-epyc`
# (znver3: Milan, c6a/m6a; znver4: Genoa, c7a/m7a; znver5: Turin).
TARGET_CPU ?= x86-64-v3
EPYC_CPU ?= znver4
# The commit --version and wear_stage_info report ("unknown" outside git).
export WEAR_GIT_COMMIT := $(shell scripts/git-commit.sh)

BINARIES = wear-decrypt wear-filter wear-score wear-alert wear
DOCS_OUT = .build/docs

.PHONY: help deps build release-build release release-epyc test test-quick bench demo docs clean

help:
	@echo "make deps     install system packages (Debian; apt-get as root or via sudo)"
	@echo "make build    debug build of every binary"
	@echo "make test     deps + build + release tarball + the whole test suite (what CI runs)"
	@echo "make test-quick  the same without the release tarball (the chroot install test is skipped)"
	@echo "make demo     deps + release build + the demo pipeline with labelled attacks"
	@echo "make release  the release tarball in dist/ (TARGET_CPU=$(TARGET_CPU): x86-64-v3 or znver1..znver5)"
	@echo "make release-epyc  the same for EPYC_CPU=$(EPYC_CPU), next to the generic one"
	@echo "make docs     debug build + man pages and bash/zsh/fish completions in $(DOCS_OUT)"
	@echo "make bench    benchmarks side by side with peers (jq, jansson, orjson, OpenSSL)"
	@echo "make fuzz-decrypt  libFuzzer + ASan on wear-decrypt's token and envelope parser (FUZZ_SECONDS=600)"

deps:
	@scripts/deps.sh

build: deps
	$(SWIFT) build

# The release binaries alone: optimised for TARGET_CPU, the Swift standard
# library and Foundation linked statically, in .build-release-TARGET_CPU.
release-build: deps
	@scripts/release.sh --cpu $(TARGET_CPU) --build-only > /dev/null

# The tarball packer/ installs: dist/wear-VERSION-COMMIT-TARGET_CPU.tar.gz
# (binaries, pipelines/, man pages, completions, install.sh, manifest.json).
release: deps
	@scripts/release.sh --cpu $(TARGET_CPU)

release-epyc:
	@$(MAKE) --no-print-directory release TARGET_CPU=$(EPYC_CPU)

# The whole suite, the chroot install test (Tests/DeploymentTests/
# ChrootInstallTests) included: it installs this commit's release tarball
# into a debootstrap root, so make test builds one first (the static release
# build adds 10-20 minutes to a clean build). test-quick skips the tarball;
# the chroot suite then says it was skipped, and why.
test: build release
	$(SWIFT) test

test-quick: build
	$(SWIFT) test

# The demo runs the plain release build (.build/release).
demo: deps
	$(SWIFT) build -c release
	@scripts/demo.sh .build/release

bench:
	@scripts/deps.sh --bench
	bench/identity/run.sh
	bench/sim/run.sh
	bench/shard/run.sh
	@if [ -x bench/decrypt/run.sh ]; then bench/decrypt/run.sh; fi

# Man pages: argument-parser's generate-manual plugin (offline: it only runs
# each binary's --experimental-dump-help), one page per (sub)command; the
# built-in `help` subcommand's pages are left out. Every page must render
# with man -l. Completions: each binary's --generate-completion-script.
# scripts/docs.sh, on the debug build; the release tarball ships the same.
docs: deps
	@scripts/docs.sh $(DOCS_OUT)
	@echo "man pages in $(DOCS_OUT)/man (MANPATH), completions in $(DOCS_OUT)/completions"

clean:
	rm -rf .build .build-release-* bench/out dist

include fuzz/Makefile.inc
