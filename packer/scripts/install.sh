#!/usr/bin/env bash
# Installs a wear release tarball on a Debian 12 host or image (Packer runs it
# on the machine being imaged; the chroot test runs it in a debootstrap root).
#
#   install.sh [--cpuinfo FILE] [--check] [--data-label LABEL] RELEASE
#
#   RELEASE            wear-VERSION-COMMIT-CPU.tar.gz (scripts/release.sh), or
#                      that tarball unpacked
#   --check            verify only: the files against SHA256SUMS and this CPU
#                      against the manifest's required_cpu_flags; change
#                      nothing (no root needed)
#   --cpuinfo FILE     read the CPU flags from FILE, not /proc/cpuinfo (tests)
#   --data-label L     the filesystem label of the data volume (default
#                      wear-data): state and keys live there, not in the image
#
# Refuses (exit 1, nothing changed) a release whose files do not match its
# SHA256SUMS, or one built for a CPU this host's CPU is not: a znver4 build on
# a Zen 3 lacks AVX-512 and would die of SIGILL at the first AVX-512
# instruction, so it is never installed there.
#
# Then, as root: the Debian packages the binaries link (the manifest's
# runtime_packages), nginx with its stream module, prometheus-node-exporter;
# /usr/local/bin/wear*, man pages, completions; the units of pipelines/systemd
# in /usr/local/lib/systemd/system, the executables beside them in
# /usr/local/libexec/wear, its *.tmpfiles in /usr/local/lib/tmpfiles.d;
# pipelines/nginx in /etc/nginx/wear;
# pipelines/rules in /etc/wear/rules; pipelines/monitoring in
# /usr/local/share/wear/monitoring; the manifest in /usr/local/share/wear and
# /etc/wear/release; the wear system user and group; sysctl and file limits
# for many connections; the data volume in /etc/fstab (/var/lib/wear-data,
# bound onto /var/lib/private, where DynamicUser= services keep their
# StateDirectory=, and onto /etc/wear/keys), with every wear unit requiring
# it; nginx's default site removed (nothing else listens). Units are enabled,
# never started: with systemd as PID 1 after a daemon-reload, in a chroot with
# `systemctl --root=/`. No service starts during the install (policy-rc.d).
# Running it again installs the same again.
#
# Exit: 0 installed (or --check passed), 1 refused, 64 usage, 77 not root.
set -euo pipefail

cpuinfo=/proc/cpuinfo check_only=0 data_label=wear-data release=""
while (($#)); do
    case "$1" in
        --cpuinfo) cpuinfo="$2"; shift 2 ;;
        --check) check_only=1; shift ;;
        --data-label) data_label="$2"; shift 2 ;;
        -h|--help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "install: unknown option '$1' (try --help)" >&2; exit 64 ;;
        *) [[ -z "$release" ]] || { echo "install: one release, not '$release' and '$1'" >&2; exit 64; }
           release="$1"; shift ;;
    esac
done
[[ -n "$release" ]] || { echo "usage: install.sh [--check] [--cpuinfo FILE] [--data-label LABEL] RELEASE.tar.gz" >&2; exit 64; }
[[ "$data_label" =~ ^[A-Za-z0-9_-]{1,16}$ ]] || { echo "install: --data-label takes up to 16 letters, digits, - or _" >&2; exit 64; }
refuse() { echo "install: refusing to install $release: $*" >&2; exit 1; }
note() { echo "install: $*" >&2; }

# --- the release: unpacked, complete, intact -----------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -d "$release" ]]; then
    dir=$(cd "$release" && pwd)
else
    [[ -r "$release" ]] || refuse "cannot read it"
    tar -xzf "$release" -C "$work" || refuse "not a readable .tar.gz"
    tops=("$work"/*)
    ((${#tops[@]} == 1)) && [[ -d "${tops[0]}" ]] || refuse "the tarball must hold one top folder"
    dir=${tops[0]}
fi
[[ -f "$dir/manifest.json" && -f "$dir/SHA256SUMS" ]] || refuse "no manifest.json and SHA256SUMS in it"
(cd "$dir" && sha256sum --check --quiet --strict SHA256SUMS > "$work/sums" 2>&1) \
    || refuse "files differ from SHA256SUMS: $(tr '\n' ' ' < "$work/sums")"

# The manifest is scripts/release.sh's json.dump(indent=2): a scalar per line,
# an array's items one per line. Read without jq or python3 (a minimal Debian
# has neither, and nothing is installed before the checks pass).
manifest_string() { sed -n "s/^  \"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$dir/manifest.json"; }
manifest_array() {
    grep -q "^  \"$1\": \[\],\{0,1\}$" "$dir/manifest.json" && return 0
    sed -n "/^  \"$1\": \[$/,/^  \],\{0,1\}$/p" "$dir/manifest.json" | sed -n 's/^    "\(.*\)",\{0,1\}$/\1/p'
}
version=$(manifest_string version) commit=$(manifest_string commit) target=$(manifest_string target_cpu)
[[ -n "$version" && -n "$commit" && -n "$target" ]] || refuse "manifest.json has no version, commit or target_cpu"
mapfile -t required < <(manifest_array required_cpu_flags)
((${#required[@]})) || refuse "manifest.json lists no required_cpu_flags"
release_name="wear $version ($commit) built for $target"

# --- the CPU ---------------------------------------------------------------------
[[ -r "$cpuinfo" ]] || refuse "cannot read $cpuinfo"
# A flag counts when every processor has it.
mapfile -t flag_lines < <(grep '^flags[[:space:]]*:' "$cpuinfo" | cut -d: -f2- | sort -u)
((${#flag_lines[@]})) || refuse "$cpuinfo has no 'flags' line: not an x86-64 CPU ($release_name)"
has_flag() { local line; for line in "${flag_lines[@]}"; do [[ " $line " == *" $1 "* ]] || return 1; done; }
missing=()
for flag in "${required[@]}"; do has_flag "$flag" || missing+=("$flag"); done
if ((${#missing[@]})); then
    model=$(sed -n 's/^model name[[:space:]]*: //p' "$cpuinfo" | head -n 1)
    family=$(sed -n 's/^cpu family[[:space:]]*: //p' "$cpuinfo" | head -n 1)
    can=()
    if [[ -r "$dir/share/cpu-targets" ]]; then
        while read -r name flags; do
            ok=1
            for flag in $flags; do has_flag "$flag" || { ok=0; break; }; done
            ((ok)) && can+=("${name%:}")
        done < <(grep -E '^[a-z0-9-]+: ' "$dir/share/cpu-targets")
    fi
    echo "install: refusing $release_name: this CPU (${model:-unknown}, family ${family:-?}) lacks ${missing[*]}." >&2
    if ((${#can[@]})); then
        echo "install: its binaries would die of SIGILL here. This CPU runs the ${can[*]} builds: install one of those (make release TARGET_CPU=...)." >&2
    else
        echo "install: its binaries would die of SIGILL here, and this CPU runs none of the release targets." >&2
    fi
    exit 1
fi
note "$release_name: files intact, this CPU has the ${#required[@]} flags it needs"
((check_only)) && exit 0

# --- install ----------------------------------------------------------------------
(($(id -u) == 0)) || { echo "install: run as root (or use --check)" >&2; exit 77; }
booted=0
[[ -d /run/systemd/system ]] && booted=1

# No service starts while packages install: the image starts them at boot.
policy=/usr/sbin/policy-rc.d policy_ours=0
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# wear install.sh: no service starts while packages install\nexit 101\n' > "$policy"
    chmod 0755 "$policy"
    policy_ours=1
fi
trap 'rm -rf "$work"; if ((policy_ours)); then rm -f "$policy"; fi' EXIT

mapfile -t libraries < <(manifest_array runtime_packages)
# systemd and procps: present on every image; a minbase chroot lacks them (systemctl, the
# targets the units name; /bin/kill, which the node exporter's unit runs and does not depend on).
packages=("${libraries[@]}" systemd procps nginx libnginx-mod-stream prometheus-node-exporter iproute2)
note "installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" > "$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log" >&2; echo "install: apt-get install failed" >&2; exit 1; }

# Users: the wear group owns /etc/wear (operators in it read the rules and the
# release); units with DynamicUser= get their own users from systemd.
getent group wear > /dev/null || groupadd --system wear
getent passwd wear > /dev/null \
    || useradd --system --gid wear --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin wear

for b in "$dir"/bin/*; do install -m 0755 "$b" /usr/local/bin/; done
install -d /usr/local/share/man/man1
install -m 0644 "$dir"/share/man/man1/*.1 /usr/local/share/man/man1/
install -d /usr/local/share/bash-completion/completions /usr/local/share/zsh/site-functions \
    /usr/local/share/fish/vendor_completions.d
install -m 0644 "$dir"/share/completions/bash/* /usr/local/share/bash-completion/completions/
install -m 0644 "$dir"/share/completions/zsh/* /usr/local/share/zsh/site-functions/
install -m 0644 "$dir"/share/completions/fish/* /usr/local/share/fish/vendor_completions.d/

# copy_tree FROM TO: the files under FROM (subfolders kept), directories 0755, files 0644.
copy_tree() {
    [[ -d "$1" ]] || return 0
    install -d -m 0755 "$2"
    (cd "$1" && find . -type d -printf '%P\n' | while read -r d; do [[ -z "$d" ]] || install -d -m 0755 "$2/$d"; done
               find . -type f -printf '%P\n' | while read -r f; do install -m 0644 "$f" "$2/$f"; done)
}
# pipelines/systemd by kind: units (and drop-in folders) where systemd looks
# for local units; the executables the units run (wear-fifo-drained,
# wear-x-credentials) in /usr/local/libexec/wear, where their ExecStart=/
# ExecStop= name them; NAME.tmpfiles as tmpfiles.d's NAME.conf (read at boot
# by systemd-tmpfiles-setup); anything else, for reference, in
# /usr/local/share/wear/systemd.
units=/usr/local/lib/systemd/system
install -d -m 0755 "$units" /usr/local/libexec/wear /usr/local/lib/tmpfiles.d
tmpfiles=()
for file in "$dir"/pipelines/systemd/*; do
    [[ -e "$file" ]] || continue
    name=${file##*/}
    if [[ -d "$file" ]]; then
        copy_tree "$file" "$units/$name"
        continue
    fi
    case "$name" in
        *.service | *.socket | *.target | *.timer | *.path | *.slice | *.mount) install -m 0644 "$file" "$units/$name" ;;
        *.tmpfiles)
            tmpfiles+=("/usr/local/lib/tmpfiles.d/${name%.tmpfiles}.conf")
            install -m 0644 "$file" "${tmpfiles[-1]}"
            ;;
        *)
            if [[ -x "$file" ]]; then
                install -m 0755 "$file" /usr/local/libexec/wear/
            else
                install -D -m 0644 "$file" "/usr/local/share/wear/systemd/$name"
            fi
            ;;
    esac
done
# /etc/wear is read by every stage's dynamic user (wear-filter its rules),
# so 0755; the secrets are in keys/ (0700 root, files 0600), which systemd
# reads as root for LoadCredential= and copies into each service's private
# credentials directory.
install -d -m 0755 -g wear /etc/wear
copy_tree "$dir/pipelines/rules" /etc/wear/rules
copy_tree "$dir/pipelines/monitoring" /usr/local/share/wear/monitoring
install -D -m 0644 "$dir/manifest.json" /usr/local/share/wear/manifest.json
cat > /etc/wear/release << EOF
# The wear release installed on this image (packer/scripts/install.sh); /usr/local/share/wear/manifest.json has the rest.
WEAR_VERSION=$version
WEAR_COMMIT=$commit
WEAR_TARGET_CPU=$target
EOF
chmod 0644 /etc/wear/release

# nginx: pipelines/nginx/nginx.conf, when there is one, is the whole
# configuration; otherwise /etc/nginx/wear.conf, included at the top level of
# Debian's nginx.conf (a stream {} block cannot sit inside its http {}), is
# the stream {} block of a backend: the JSON session log and the TLS server
# in front of the ingest socket (wear-log.conf, wear-stream.conf;
# wear-upstream.conf is the scale-out front's, a different host's role, and
# stays in /etc/nginx/wear for it). The stream module is loaded by
# libnginx-mod-stream's modules-enabled file. The default site (port 80) goes.
# nginx starts at boot only once /etc/wear/tls (on the data volume) holds
# server.crt, server.key and devices-ca.crt: it never serves without them.
rm -f /etc/nginx/sites-enabled/default
if [[ -d "$dir/pipelines/nginx" ]]; then
    copy_tree "$dir/pipelines/nginx" /etc/nginx/wear
    if [[ -f /etc/nginx/wear/nginx.conf ]]; then
        [[ -f /etc/nginx/nginx.conf.debian ]] || cp /etc/nginx/nginx.conf /etc/nginx/nginx.conf.debian
        install -m 0644 /etc/nginx/wear/nginx.conf /etc/nginx/nginx.conf
    else
        {
            echo "# wear (packer/scripts/install.sh): the stream {} block of a backend (pipelines/nginx/README.md)."
            echo "stream {"
            for part in wear-log.conf wear-stream.conf; do
                [[ -f "/etc/nginx/wear/$part" ]] && echo "    include /etc/nginx/wear/$part;"
            done
            echo "}"
        } > /etc/nginx/wear.conf
        chmod 0644 /etc/nginx/wear.conf
        sed -i '\|^include /etc/nginx/wear/\*\.conf;$|d' /etc/nginx/nginx.conf # the include an earlier install.sh wrote
        if ! grep -qx 'include /etc/nginx/wear.conf;' /etc/nginx/nginx.conf; then
            printf '\n# wear (packer/scripts/install.sh): the stream servers of pipelines/nginx\ninclude /etc/nginx/wear.conf;\n' \
                >> /etc/nginx/nginx.conf
        fi
    fi
fi

# Many connections: sysctl, file limits for every service and login, nginx's own.
cat > /etc/sysctl.d/60-wear.conf << 'EOF'
# wear (packer/scripts/install.sh): a host that terminates many device connections.
net.core.somaxconn = 65535
net.ipv4.tcp_max_syn_backlog = 65535
net.core.netdev_max_backlog = 65535
net.ipv4.ip_local_port_range = 1024 65535
net.ipv4.tcp_fin_timeout = 15
fs.file-max = 4194304
fs.nr_open = 4194304
EOF
cat > /etc/security/limits.d/60-wear.conf << 'EOF'
# wear (packer/scripts/install.sh): open files for login sessions.
*    soft nofile 1048576
*    hard nofile 1048576
root soft nofile 1048576
root hard nofile 1048576
EOF
install -d /etc/systemd/system.conf.d /etc/systemd/system/nginx.service.d
cat > /etc/systemd/system.conf.d/60-wear.conf << 'EOF'
# wear (packer/scripts/install.sh): open files for every service.
[Manager]
DefaultLimitNOFILE=1048576:1048576
EOF
cat > /etc/systemd/system/nginx.service.d/60-wear.conf << 'EOF'
# wear (packer/scripts/install.sh): nginx holds two descriptors per proxied connection.
[Service]
LimitNOFILE=1048576:1048576
EOF
# node exporter: the stages' metrics textfiles; the address Debian's default
# (:9100) unless the image is built with another.
echo 'ARGS="--collector.textfile.directory=/var/lib/prometheus/node-exporter"' > /etc/default/prometheus-node-exporter

# The data volume: state and keys are not in the image, so a new image
# version finds them where the old one left them.
install -d -m 0755 /var/lib/wear-data
install -d -m 0700 /var/lib/private # systemd keeps DynamicUser= state under it, 0700
install -d -m 0700 /etc/wear/keys
# The units name /etc/wear/master.key, pseudonym.key, keys.json, x/ (X
# credentials) and tls/ (nginx's certificates), as a host installed by hand
# has them (pipelines/README.md); on the image they live on the data volume,
# in /etc/wear/keys, and these links point there. wear-filter reads
# /etc/wear/filter.rules: the release's default rules unless the image
# carries its own file there. Nothing an operator put in place is replaced.
for name in master.key pseudonym.key keys.json x tls; do
    [[ -e "/etc/wear/$name" || -L "/etc/wear/$name" ]] || ln -s "keys/$name" "/etc/wear/$name"
done
[[ -e /etc/wear/filter.rules || -L /etc/wear/filter.rules ]] || ln -s rules/default.rules /etc/wear/filter.rules
fstab_begin='# wear data volume (packer/scripts/install.sh)'
if ! grep -qxF "$fstab_begin" /etc/fstab 2> /dev/null; then
    cat >> /etc/fstab << EOF
$fstab_begin
LABEL=$data_label /var/lib/wear-data ext4 defaults,nofail,x-systemd.device-timeout=30s 0 2
/var/lib/wear-data/private /var/lib/private none bind,nofail,x-systemd.requires-mounts-for=/var/lib/wear-data 0 0
/var/lib/wear-data/keys /etc/wear/keys none bind,nofail,x-systemd.requires-mounts-for=/var/lib/wear-data 0 0
EOF
fi
install -d "$units/wear-.service.d"
cat > "$units/wear-.service.d/10-data-volume.conf" << 'EOF'
# wear (packer/scripts/install.sh): no wear service starts without the data
# volume: with an empty /var/lib/private it would start from no state.
[Unit]
RequiresMountsFor=/var/lib/private /etc/wear/keys
EOF

# --- enable, never start --------------------------------------------------------
enable=(nginx.service prometheus-node-exporter.service)
for unit in "$units"/*.service "$units"/*.socket "$units"/*.timer "$units"/*.path "$units"/*.target; do
    [[ -f "$unit" ]] || continue
    name=${unit##*/}
    [[ "$name" == *@.* ]] && continue # templates start from their socket or are named with an instance
    grep -q '^\[Install\]' "$unit" && enable+=("$name")
done
if ((booted)); then
    systemctl daemon-reload
    ((${#tmpfiles[@]} == 0)) || systemd-tmpfiles --create "${tmpfiles[@]}"
    systemctl enable "${enable[@]}"
else
    systemctl --root=/ enable "${enable[@]}"
fi
note "installed $release_name; enabled ${enable[*]} (they start at the next boot)"
