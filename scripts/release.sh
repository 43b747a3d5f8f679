#!/usr/bin/env bash
# The release tarball: optimised binaries for one CPU target with the Swift
# standard library and Foundation linked in statically (a host needs no Swift
# toolchain, only the Debian libraries the manifest lists), the pipelines
# (systemd units, nginx config, default rules, monitoring), man pages,
# completions, install.sh and a manifest.
#
#   scripts/release.sh [--cpu TARGET] [--build-only] [--out DIR]
#
#   --cpu TARGET   x86-64-v3 (default: any AVX2 x86-64), or an AMD EPYC
#                  family: znver1 .. znver5 (scripts/cpu-targets)
#   --build-only   build the binaries (in .build-release-TARGET/release) and
#                  print that folder; no tarball (make demo uses this)
#   --out DIR      where the tarball goes (default dist)
#
# Writes DIR/wear-VERSION-COMMIT-TARGET.tar.gz (one top folder of the same
# name) and its .sha256 (the image records it), points DIR/wear-TARGET.tar.gz
# at it (a symlink) and prints its path; the binaries' debug info (stripped
# from them) goes to DIR/wear-VERSION-COMMIT-TARGET.debug.tar.gz.
# Inside: bin/, share/man/man1/, share/completions/, pipelines/ (every file
# under pipelines/systemd, nginx, rules and monitoring, as they are),
# install.sh, share/cpu-targets (what install.sh tells a refused host), SHA256SUMS (sha256sum -c) and manifest.json: name, version,
# commit, target_cpu, required_cpu_flags, build_flags, the Swift version,
# the dynamic libraries each binary needs and the Debian packages that hold
# them (runtime_packages), and the sha256, size and mode of every file.
#
# Man pages and completions come from scripts/docs.sh (the debug build: it
# runs on any CPU, where a znver4 build would not run on a Zen 3).
set -euo pipefail
cd "$(dirname "$0")/.."

cpu=x86-64-v3 build_only=0 out=dist
while (($#)); do
    case "$1" in
        --cpu) cpu="$2"; shift 2 ;;
        --build-only) build_only=1; shift ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "release: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
fail() { echo "release: $*" >&2; exit 1; }

required_flags=$(sed -n "s/^$cpu: //p" scripts/cpu-targets)
[[ -n "$required_flags" ]] \
    || { echo "release: unknown CPU target '$cpu': one of $(sed -n 's/^\([a-z0-9-]*\): .*/\1/p' scripts/cpu-targets | tr '\n' ' ')" >&2; exit 64; }

# -Xcc -march reaches C, the C++ shims (also -Xcxx) and Swift itself (swiftc
# takes its code generation target from the Clang importer); -target-cpu
# says it to swiftc again for the znver targets (its own list has no
# x86-64-vN: "unknown target CPU 'x86-64-v3'").
flags=(-c release --static-swift-stdlib -Xcc "-march=$cpu" -Xcxx "-march=$cpu")
[[ "$cpu" == znver* ]] && flags+=(-Xswiftc -target-cpu -Xswiftc "$cpu")
scratch=".build-release-$cpu"
WEAR_GIT_COMMIT=${WEAR_GIT_COMMIT:-$(scripts/git-commit.sh)}
export WEAR_GIT_COMMIT
binaries=(wear-decrypt wear-filter wear-score wear-alert wear)

echo "release: building $cpu in $scratch: swift build ${flags[*]}" >&2
swift build --scratch-path "$scratch" "${flags[@]}" >&2
bin=$(swift build --scratch-path "$scratch" "${flags[@]}" --show-bin-path)
if ((build_only)); then echo "$bin"; exit 0; fi

version=$(sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' Sources/WearCore/Stage/RunnerOptions.swift)
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "no version in Sources/WearCore/Stage/RunnerOptions.swift"
commit=${WEAR_GIT_COMMIT:-unknown}
name="wear-$version-$commit-$cpu"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin" "$root/share" "$stage/debug/$name/bin"
# The binaries ship without their DWARF (wear-alert 150 MB with it, 100
# without; the symbol table stays, so a backtrace still names functions);
# the debug info goes to DIR/NAME.debug.tar.gz, linked by
# .gnu_debuglink (gdb finds it when unpacked under /usr/lib/debug/.build-id
# or next to the binary).
for b in "${binaries[@]}"; do
    install -m 0755 "$bin/$b" "$root/bin/$b"
    objcopy --only-keep-debug --compress-debug-sections "$root/bin/$b" "$stage/debug/$name/bin/$b.debug"
    strip --strip-debug "$root/bin/$b"
    (cd "$stage/debug/$name/bin" && objcopy --add-gnu-debuglink="$b.debug" "$root/bin/$b")
done

# --- what the binaries need from the host -------------------------------------
declare -A packages=()
libraries_json="{}"
for b in "${binaries[@]}"; do
    ldd_out=$(ldd "$root/bin/$b") || fail "ldd $b failed"
    if grep -q 'not found' <<< "$ldd_out"; then fail "$b: $(grep 'not found' <<< "$ldd_out" | tr -s ' \t' ' ')"; fi
    if grep -qE 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime' <<< "$ldd_out"; then
        fail "$b links the Swift runtime dynamically (--static-swift-stdlib did not take): $(grep -oE '\S*(swift|Foundation|dispatch|Blocks)\S*' <<< "$ldd_out" | tr '\n' ' ')"
    fi
    libs=()
    while read -r soname path; do
        libs+=("$soname")
        real=$(realpath "$path")
        owner=$(dpkg -S "$path" 2> /dev/null || dpkg -S "$real" 2> /dev/null || dpkg -S "/usr$path" 2> /dev/null) \
            || fail "$b needs $path, which no Debian package holds"
        packages[${owner%%:*}]=1
    done < <(awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' <<< "$ldd_out")
    libraries_json=$(python3 -c 'import json, sys; d = json.loads(sys.argv[1]); d[sys.argv[2]] = sorted(sys.argv[3:]); print(json.dumps(d))' \
        "$libraries_json" "bin/$b" "${libs[@]}")
done

# --- man pages, completions (from the debug build: the same for every target) ---
scripts/docs.sh "$stage/docs"
cp -r "$stage/docs/man" "$stage/docs/completions" "$root/share/"

# --- pipelines: whatever exists, as it is -------------------------------------
for part in systemd nginx rules monitoring; do
    [[ -d "pipelines/$part" ]] || continue
    mkdir -p "$root/pipelines"
    cp -r "pipelines/$part" "$root/pipelines/"
done
install -m 0755 packer/scripts/install.sh "$root/install.sh"
install -m 0644 scripts/cpu-targets "$root/share/cpu-targets"

# --- SHA256SUMS and manifest.json ---------------------------------------------
# The manifest lists every other file's sha256; SHA256SUMS covers every file
# but itself, the manifest too (install.sh checks it before reading it).
(cd "$root" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > "$stage/files.sha256")
commit_epoch=$(git log -1 --format=%ct 2> /dev/null || date +%s)
swift_version=$(swift --version 2>&1 | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -n 1)
python3 - "$root" "$version" "$commit" "$cpu" "$required_flags" "$swift_version" "$commit_epoch" \
    "$libraries_json" "$(printf '%s\n' "${!packages[@]}" | LC_ALL=C sort | tr '\n' ' ')" "${flags[@]}" << 'PYTHON'
import datetime, json, os, platform, sys

root, version, commit, cpu, required, swift, epoch, libraries, packages, *flags = sys.argv[1:]
sums = dict(reversed(line.rstrip("\n").split("  ", 1)) for line in open(os.path.join(root, "..", "files.sha256")))
files = []
for path in sorted(sums):
    info = os.stat(os.path.join(root, path))
    files.append({"path": path, "sha256": sums[path], "size": info.st_size, "mode": "%04o" % (info.st_mode & 0o7777)})
manifest = {
    "name": "wear",
    "version": version,
    "commit": commit,
    "dirty": commit.endswith("-dirty"),
    "commit_time": datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "built_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "target_cpu": cpu,
    "required_cpu_flags": required.split(),
    "build_flags": ["swift", "build"] + flags,
    "swift_version": swift,
    "build_host": {"os": platform.freedesktop_os_release().get("PRETTY_NAME", "?"), "machine": platform.machine()},
    "runtime_packages": packages.split(),
    "debug_symbols": os.path.basename(root) + ".debug.tar.gz",
    "shared_libraries": json.loads(libraries),
    "files": files,
}
with open(os.path.join(root, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
PYTHON
(cd "$root" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)

mkdir -p "$out"
tarball="$out/$name.tar.gz"
tar --sort=name --mtime="@$commit_epoch" --owner=0 --group=0 --numeric-owner -C "$stage" -czf "$tarball.tmp" "$name"
mv "$tarball.tmp" "$tarball"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
tar --sort=name --mtime="@$commit_epoch" --owner=0 --group=0 --numeric-owner -C "$stage/debug" -czf "$out/$name.debug.tar.gz.tmp" "$name"
mv "$out/$name.debug.tar.gz.tmp" "$out/$name.debug.tar.gz"
ln -sfn "$name.tar.gz" "$out/wear-$cpu.tar.gz"
echo "release: $tarball ($(du -h "$tarball" | cut -f1); runtime packages: ${!packages[*]})" >&2
echo "$tarball"
