#!/usr/bin/env bash
# Installs the edge node from its package: the NativeAOT binary, the systemd unit, the citybrain user (groups dialout,
# gpio, i2c), /etc/citybrain (node.json, trust/) and /var/lib/citybrain. Nothing is compiled on the node.
#   deploy/install-edge.sh [citybrain-edge_VERSION_ARCH.deb]
# Without an argument it takes the newest package for this machine's architecture from artifacts/debs (built on an x64
# machine with deploy/package/build-debs.sh; copy the .deb to the node). Then: docs/technicians.md.
set -euo pipefail
"$(dirname "$0")/package/install-deb.sh" edge "$@"
echo "Installed. Put the node's configuration in /etc/citybrain/node.json (with its password/CA files), the trust file in"
echo "/etc/citybrain/trust/, check it: citybrain-edge --validate /etc/citybrain/node.json, then: systemctl enable --now citybrain-edge"
