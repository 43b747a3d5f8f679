#!/usr/bin/env bash
# The last step of a Packer build, as root on the machine being imaged, after
# install.sh: checks the image holds what its name says, then removes what
# must not be in an image every host boots.
#
#   finish-image.sh VERSION COMMIT CPU
#
# Checks (exit 1 on the first that fails, and packer discards the image):
# `wear --version` prints VERSION and COMMIT and /etc/wear/release names CPU;
# `systemd-analyze verify` passes on every unit in /usr/local/lib/systemd/system;
# nothing listens but sshd, chronyd on loopback, the DHCP client, and what
# the image is for (nginx, prometheus-node-exporter), which are enabled and
# not yet started. Then: the build's SSH key and root's password go, SSH host keys and the machine id are removed (each host makes its own at
# first boot), cloud-init is reset to run again, apt's caches and logs emptied.
set -euo pipefail
(($# == 3)) || { echo "usage: finish-image.sh VERSION COMMIT CPU" >&2; exit 64; }
version=$1 commit=$2 cpu=$3
fail() { echo "finish-image: $*" >&2; exit 1; }

reported=$(wear --version)
[[ "$reported" == "wear $version ($commit)" ]] || fail "wear --version says '$reported', the image is named for $version ($commit)"
grep -qx "WEAR_TARGET_CPU=$cpu" /etc/wear/release || fail "/etc/wear/release does not name $cpu"
for b in wear-decrypt wear-filter wear-score wear-alert; do
    [[ "$("$b" --version)" == "$b $version ($commit)" ]] || fail "$b --version says '$("$b" --version)'"
done

shopt -s nullglob
units=(/usr/local/lib/systemd/system/*.service /usr/local/lib/systemd/system/*.socket)
if ((${#units[@]})); then
    systemd-analyze verify "${units[@]}" || fail "systemd-analyze verify failed on the wear units"
fi

# Every listening socket's process must be one the image is for.
allowed='^(sshd|chronyd|dhclient|systemd-network|systemd-resolve|nginx|prometheus-no|prometheus-node-exporter)$'
while read -r proto local process; do
    name=$(sed -n 's/.*(("\([^"]*\)".*/\1/p' <<< "$process")
    [[ "$name" =~ $allowed ]] || fail "$name listens on $proto $local: the image must not carry it (mask or purge its package)"
    if [[ "$name" == chronyd && ! "$local" =~ ^(127\.0\.0\.1|\[::1\]): ]]; then
        fail "chronyd listens on $local, beyond loopback"
    fi
done < <(ss -H -ltnup | awk '{ print $1, $5, $7 }')

# What each host makes for itself. The build's SSH user keeps its login until
# packer is done: its key goes here (amazon-ebs: packer's temporary key pair),
# the qemu build user itself in the shutdown command (wear.pkr.hcl).
if [[ -n "${SUDO_USER:-}" && "$SUDO_USER" != root ]]; then
    rm -f "$(getent passwd "$SUDO_USER" | cut -d: -f6)/.ssh/authorized_keys"
fi
passwd --lock root > /dev/null
rm -f /etc/ssh/ssh_host_* /etc/ssh/sshd_config.d/50-cloud-init.conf
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id
if command -v cloud-init > /dev/null; then cloud-init clean --logs; fi
apt-get clean
rm -rf /var/lib/apt/lists/* /tmp/wear-release.tar.gz
find /var/log -type f -exec truncate -s 0 {} +
echo "finish-image: wear $version ($commit, $cpu): checks passed, image cleaned" >&2
