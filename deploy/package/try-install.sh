#!/bin/sh
# try-install.sh DEB [CHECK-COMMAND [PURGED-CHECK-COMMAND]]: runs a real `dpkg -i DEB` (its postinst included), then
# CHECK-COMMAND, `dpkg -i DEB` again (postinst as on an upgrade: "configure OLD-VERSION"), CHECK-COMMAND again, then
# `dpkg --purge` (prerm, postrm) and PURGED-CHECK-COMMAND, inside a throwaway copy of this machine: an overlay of / whose writes land in a
# temporary directory, mounted in a private mount namespace (unshare --mount) and entered with chroot. Users, groups,
# dpkg-statoverride entries and files the scripts create vanish with it; the machine itself is not changed.
# Needs root and overlayfs (CI: the Packaging tests, tests/CityBrain.IntegrationTests/Packaging/MaintainerScriptTests).
# The checks run in the copy (sh -euc); their output follows "== check" and "== purged" on stdout.
set -eu
deb=$(readlink -f "$1")
check=${2:-true}
purged=${3:-true}
[ "$(id -u)" = 0 ] || { echo "try-install: run as root (it mounts an overlay in a private mount namespace)" >&2; exit 77; }
work=$(mktemp -d /tmp/citybrain-try-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/upper" "$work/work" "$work/root"
cp "$deb" "$work/upper/package.deb"
export deb check purged work
unshare --mount --fork -- sh -euc '
    mount --make-rprivate /
    mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/work" "$work/root"
    mount -t proc proc "$work/root/proc"
    mount -t tmpfs tmpfs "$work/root/run" # no /run/systemd/system: the scripts skip systemctl, as in a chroot build
    mount -t tmpfs tmpfs "$work/root/tmp"
    echo "== install"
    chroot "$work/root" dpkg -i /package.deb
    echo "== check"
    chroot "$work/root" sh -euc "$check"
    echo "== reinstall"
    chroot "$work/root" dpkg -i /package.deb
    echo "== check"
    chroot "$work/root" sh -euc "$check"
    echo "== purge"
    chroot "$work/root" dpkg --purge "$(dpkg-deb -f "$deb" Package)"
    echo "== purged"
    chroot "$work/root" sh -euc "$purged"
'
