#!/usr/bin/env bash
# A minimal Debian 12 root (debootstrap --variant=minbase bookworm), the
# nearest thing to the image these machines can build: the chroot install
# test (Tests/DeploymentTests) installs the release into a copy of it.
#
#   scripts/debian-root.sh DIR
#
# Makes DIR once and reuses it after (DIR/.wear-debian-root names the mirror
# and date; remove DIR to make it again); a half-made root is never reused.
# The mirror is the one apt uses here (the first bookworm "main" source in
# /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list), or $DEBIAN_MIRROR.
# Runs as root (debootstrap makes device nodes and chroots). Prints DIR.
set -euo pipefail
(($# == 1)) || { echo "usage: scripts/debian-root.sh DIR" >&2; exit 64; }
dir=$1
stamp="$dir/.wear-debian-root"
if [[ -f "$stamp" ]]; then echo "$dir"; exit 0; fi
(($(id -u) == 0)) || { echo "debian-root: debootstrap needs root" >&2; exit 77; }
command -v debootstrap > /dev/null || { echo "debian-root: needs debootstrap (apt-get install debootstrap; scripts/deps.sh)" >&2; exit 69; }

mirror=${DEBIAN_MIRROR:-}
if [[ -z "$mirror" ]]; then
    # deb822: a stanza with Suites: bookworm and Components: main.
    for file in /etc/apt/sources.list.d/*.sources; do
        [[ -r "$file" ]] || continue
        mirror=$(awk 'BEGIN { RS = ""; FS = "\n" }
            /(^|\n)Suites:[^\n]*[[:space:]]bookworm([[:space:]]|\n|$)/ && /(^|\n)Components:[^\n]*[[:space:]]main/ {
                for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, u, /[[:space:]]+/); print u[2]; exit } }' "$file")
        [[ -n "$mirror" ]] && break
    done
fi
if [[ -z "$mirror" && -r /etc/apt/sources.list ]]; then
    mirror=$(awk '$1 == "deb" && $3 == "bookworm" && / main/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
[[ -n "$mirror" ]] || { echo "debian-root: no bookworm main source in /etc/apt/sources.list*: set DEBIAN_MIRROR" >&2; exit 69; }

rm -rf "$dir.tmp"
mkdir -p "$(dirname "$dir")"
echo "debian-root: debootstrap --variant=minbase bookworm $dir $mirror" >&2
if ! debootstrap --variant=minbase bookworm "$dir.tmp" "$mirror" > "$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    echo "debian-root: debootstrap failed (whole log: $dir.log)" >&2
    exit 1
fi
rm -rf "$dir"
mv "$dir.tmp" "$dir"
printf 'mirror=%s\nmade=%s\n' "$mirror" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$stamp"
echo "$dir"
