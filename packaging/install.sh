#!/bin/sh
# Installs the Breathgate device agent from its Debian package, breathgate-agent_VERSION_all.deb (built by
# `mvn -pl device-agent -am package`, in device-agent/target). A thin wrapper: the package does the work
# (service user, folders, native libraries, the unit, the class-data-sharing archive). See docs/install.md.
#
#   sudo ./install.sh [--deb breathgate-agent_VERSION_all.deb]        same as: sudo apt-get install ./breathgate-agent_VERSION_all.deb
#   DESTDIR=/some/dir ./install.sh [--deb FILE] [--arch aarch64|armv7l|x86_64]
#
# DESTDIR=/some/dir unpacks the package into that folder instead of / and runs its prepare-device.sh there, for
# tests and benchmarks: no user is created, nothing is chowned and systemctl is not run.
set -eu

DEB=
ARCH=$(uname -m)
DESTDIR=${DESTDIR:-}
HERE=$(cd "$(dirname "$0")" && pwd)

while [ $# -gt 0 ]; do
  case "$1" in
    --deb) DEB=$2; shift 2 ;;
    --arch) ARCH=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$DEB" ]; then
  for candidate in "$HERE"/breathgate-agent_*_all.deb "$HERE"/../device-agent/target/breathgate-agent_*_all.deb; do
    [ -f "$candidate" ] && DEB=$candidate && break
  done
fi
[ -n "$DEB" ] && [ -f "$DEB" ] || { echo "install.sh: breathgate-agent_VERSION_all.deb not found; build it (mvn -pl device-agent -am package) or give --deb" >&2; exit 2; }

if [ -n "$DESTDIR" ]; then
  mkdir -p "$DESTDIR"
  dpkg-deb -x "$DEB" "$DESTDIR"
  sh "$DESTDIR/opt/breathgate/prepare-device.sh" --destdir "$DESTDIR" --arch "$ARCH"
  echo "breathgate install: unpacked $(basename "$DEB") into $DESTDIR for $ARCH."
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo ./install.sh)" >&2
  exit 2
fi
case "$DEB" in /*) ;; *) DEB=./$DEB ;; esac
# apt-get brings the Java runtime the package depends on; dpkg alone would stop and say it is missing.
apt-get install -y "$DEB"
