# wear: build, test, benchmark and demo. `make help` lists the targets.
SWIFT ?= swift
RELEASE_BIN = .build/release
# The commit --version and wear_stage_info report ("unknown" outside git).
export WEAR_GIT_COMMIT := $(shell scripts/git-commit.sh)

.PHONY: help deps build release test bench demo clean

help:
	@echo "make deps     install system packages (Debian; apt-get as root or via sudo)"
	@echo "make build    debug build of every binary"
	@echo "make test     deps + build + the whole test suite (what CI runs)"
	@echo "make demo     deps + release build + the demo pipeline with labelled attacks"
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
	@if [ -x bench/decrypt/run.sh ]; then bench/decrypt/run.sh; fi

clean:
	rm -rf .build bench/out

include fuzz/Makefile.inc
