#!/usr/bin/env bash
# Installs what building, testing and the demo need on Debian 12, when missing.
# Runs apt-get as root, or through sudo. Safe to run again: installs only what is absent.
#
#   scripts/deps.sh            build + test + demo dependencies
#   scripts/deps.sh --bench    also the benchmark peers and profilers
set -euo pipefail

packages=(
    pkg-config
    libjansson-dev   # the customer's JSON library (documents we build or edit)
    libsimdjson-dev  # the hot-path JSON validator/reader
    libssl-dev       # libcrypto: AES-GCM for wear-decrypt's hot path
    prometheus       # promtool (metrics files, pipelines/monitoring's rules and their tests) and the scrape test's server
    python3          # fixture generators
    libre2-dev       # RE2: linear-time regular expressions for match() in rules
    systemd          # systemd-analyze verify/security, systemd-tmpfiles, and systemd-socket-activate (the ingest tests' PID 1)
    nginx            # the stream front (pipelines/nginx): the ingest, scale-out and traffic-log tests run it
    libnginx-mod-stream  # nginx's stream {} module (TLS termination, PROXY protocol, upstream hash, the JSON session log)
    openssl          # test certificates, and s_client as the devices of the nginx tests
    procps           # /bin/kill: the units' ExecReload=, which systemd-analyze verify checks
    prometheus-node-exporter  # MonitoringScrapeTests: the textfile collector serving the stages' metrics
    chromium         # DashboardProcessTests: headless Chromium renders `wear dashboard` (one screenshot)
    man-db           # man -l: scripts/docs.sh checks every man page of the release renders
    jq               # packer/scripts/images.sh reads Packer's manifest
    packer           # packer validate / fmt -check of packer/ (1.6.6: qemu and amazon builders built in)
    debootstrap      # the chroot install test builds a minimal Debian 12 root with it
    systemd-container  # systemd-nspawn: the chroot install test boots the installed root with systemd as PID 1
    binutils         # objcopy, strip: the release tarball ships stripped binaries, their debug info beside it
)
if [[ "${1:-}" == "--bench" ]]; then
    packages+=(jq valgrind linux-perf python3-numpy gcc g++ time)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "deps: installing ${missing[*]}" >&2
    if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
    echo "deps: swift is not on PATH: install Swift 6.x (https://swift.org/install) and retry" >&2
    exit 69
fi
if [[ "${1:-}" == "--bench" ]] && ! python3 -c 'import orjson, cryptography' 2>/dev/null; then
    python3 -m pip install --quiet orjson cryptography
fi
echo "deps: ok" >&2
