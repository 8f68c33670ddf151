#!/usr/bin/env bash
# Installs the hub from its package: the NativeAOT binary, the systemd unit, the citybrain user, /etc/citybrain/hub.json
# and /var/lib/citybrain-hub. Nothing is compiled on the hub.
#   deploy/install-hub.sh [citybrain-hub_VERSION_amd64.deb]
# Without an argument it takes the newest package from artifacts/debs (deploy/package/build-debs.sh hub-amd64).
# The NativeAOT build has no influxdb-client sink (InfluxDB.Client is not trim/AOT safe): an influx-v2 sink uses
# "client": "http" (the default), which speaks the same write API; the hub refuses to start otherwise and says so.
set -euo pipefail
"$(dirname "$0")/package/install-deb.sh" hub "$@"
echo "Installed. Edit /etc/citybrain/hub.json (broker, sinks, alerts, operators' view), then: systemctl enable --now citybrain-hub"
