# wear: build, test, benchmark and demo. `make help` lists the targets.
SWIFT ?= swift
RELEASE_BIN = .build/release
# The commit --version and wear_stage_info report ("unknown" outside git).
export WEAR_GIT_COMMIT := $(shell scripts/git-commit.sh)

BINARIES = wear-decrypt wear-filter wear-score wear-alert wear
DOCS_OUT = .build/docs
MANUALS = .build/plugins/GenerateManual/outputs

.PHONY: help deps build release test bench demo docs clean

help:
	@echo "make deps     install system packages (Debian; apt-get as root or via sudo)"
	@echo "make build    debug build of every binary"
	@echo "make test     deps + build + the whole test suite (what CI runs)"
	@echo "make demo     deps + release build + the demo pipeline with labelled attacks"
	@echo "make docs     release build + man pages and bash/zsh/fish completions in $(DOCS_OUT)"
	@echo "make bench    benchmarks side by side with peers (jq, jansson, orjson, OpenSSL)"
	@echo "make fuzz-decrypt  libFuzzer + ASan on wear-decrypt's token and envelope parser (FUZZ_SECONDS=600)"

deps:
	@scripts/deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: build
	$(SWIFT) test

demo: release
	@scripts/demo.sh $(RELEASE_BIN)

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
docs: release
	$(SWIFT) package generate-manual --configuration release --multi-page
	rm -rf $(DOCS_OUT)
	mkdir -p $(DOCS_OUT)/man/man1 $(DOCS_OUT)/completions/bash $(DOCS_OUT)/completions/zsh $(DOCS_OUT)/completions/fish
	for b in $(BINARIES); do cp $(MANUALS)/$$b/*.1 $(DOCS_OUT)/man/man1/; done
	rm -f $(DOCS_OUT)/man/man1/*.help.1
	for page in $(DOCS_OUT)/man/man1/*.1; do \
	  MANWIDTH=80 man -l "$$page" > /dev/null || { echo "$$page does not render"; exit 1; }; \
	done
	for b in $(BINARIES); do \
	  $(RELEASE_BIN)/$$b --generate-completion-script bash > $(DOCS_OUT)/completions/bash/$$b && \
	  $(RELEASE_BIN)/$$b --generate-completion-script zsh > $(DOCS_OUT)/completions/zsh/_$$b && \
	  $(RELEASE_BIN)/$$b --generate-completion-script fish > $(DOCS_OUT)/completions/fish/$$b.fish || exit 1; \
	done
	@echo "man pages in $(DOCS_OUT)/man (MANPATH), completions in $(DOCS_OUT)/completions"

clean:
	rm -rf .build bench/out

include fuzz/Makefile.inc
