#!/usr/bin/env bash
# Installs the Debian packages CityBrain's tests and demo use, only those missing (root or sudo).
#   scripts/install-deps.sh [--demo]   (--demo: only what the demo needs)
set -euo pipefail

if [[ "${1:-}" == "--demo" ]]; then
  packages=(influxdb influxdb-client mosquitto-clients curl)
else
  packages=(
    mosquitto mosquitto-clients        # the broker the tests run; mosquitto_sub for people
    influxdb influxdb-client           # InfluxDB 1.x (v1 /write) and its CLI
    victoria-metrics                   # speaks the InfluxDB v2 write API that InfluxDB.Client uses
    python3 python3-pymodbus python3-serial python3-serial-asyncio   # an independent Modbus peer (its serial server needs both)
    mbpoll libmodbus-dev               # libmodbus as a client, and its C library for the benchmark
    socat                              # serial pty pairs for Modbus RTU
    chromium fonts-dejavu-core         # the operators' view, tested in a real browser
    faketime                           # libfaketime: clock steps under the real edge process
    procps curl gcc
    # deploy/package/build-debs.sh and the Packaging tests: the NativeAOT edge cross-compiled for arm64 (clang, lld,
    # the cross gcc and arm64 C library), .deb files (dpkg-dev), run under qemu-user, units checked (systemd-analyze)
    clang lld gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils qemu-user-static dpkg-dev systemd
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if (( ${#missing[@]} == 0 )); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Debian may start the packaged daemons; the tests and the demo start their own on free ports, so stop them.
for svc in mosquitto influxdb victoria-metrics; do
  ( command -v systemctl >/dev/null && $SUDO systemctl stop "$svc" ) >/dev/null 2>&1 || true
  ( command -v service >/dev/null && $SUDO service "$svc" stop ) >/dev/null 2>&1 || true
done
echo "install-deps: done"
