#!/usr/bin/env bash
# Installs a CityBrain package on this machine (deploy/install-edge.sh and deploy/install-hub.sh call this).
#   deploy/package/install-deb.sh edge|hub [citybrain-NAME_VERSION_ARCH.deb]
# Without a .deb it takes the newest one for this machine's architecture from artifacts/debs (build-debs.sh). Nothing is
# compiled here: the package holds the NativeAOT binary, the unit, the citybrain user and /etc/citybrain.
set -euo pipefail
cd "$(dirname "$0")/../.."
component=${1:?usage: install-deb.sh edge|hub [DEB]}
name=citybrain-$component
arch=$(dpkg --print-architecture)
deb=${2:-$(ls -t artifacts/debs/"$name"_*_"$arch".deb 2>/dev/null | head -1 || true)}
[[ -n $deb && -f $deb ]] || { echo "install: no $name package for $arch: build it with deploy/package/build-debs.sh $component-$arch, or pass the .deb's path" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "install: run as root (sudo $0 $*)" >&2; exit 2; }
# apt resolves the dependencies (libssl3, ...); dpkg -i works as well when they are present.
apt-get install -y "$(realpath "$deb")"
