#!/usr/bin/env bash
# BoundedMap micro-benchmark (see main.swift): hit, miss, insert+evict in ns
# and resident bytes per entry, on one core. WearCore's Collections sources
# and main.swift are compiled as one optimised executable module.
#
# usage: bench/collections/run.sh      BENCH_CPU (default 0)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=bench/out/collections
mkdir -p "$OUT"
swiftc -O -wmo -o "$OUT/bounded_map" Sources/WearCore/Collections/*.swift bench/collections/main.swift
taskset -c "${BENCH_CPU:-0}" "$OUT/bounded_map"
