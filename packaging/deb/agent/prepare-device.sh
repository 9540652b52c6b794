#!/bin/sh
# Prepares the installed device agent for this device: the part of installing that depends on the device's
# processor and JVM, so it cannot be done when the package is built. Run by the package's postinst (and by
# packaging/install.sh with DESTDIR, for tests and benchmarks); safe to run again.
#
#   prepare-device.sh [--arch arm64|armhf|armel|amd64|aarch64|armv7l|armv6l|x86_64] [--destdir DIR]
#
# 0. makes /etc/breathgate (0750) and /var/lib/breathgate (0700);
# 1. unpacks the native libraries for the processor (jSerialComm, SQLite, Pi4J's gpiod) from the jar into
#    /opt/breathgate/native: a hardened unit must not unpack and run code from a temporary folder;
# 2. writes the systemd unit /etc/systemd/system/breathgate-agent.service from the packaged template, leaving out
#    the flags this JVM cannot take (native heap trimming before 17.0.9; compressed class space on 32-bit);
# 3. makes the class-data-sharing archive of the agent's classes with this device's JVM (an archive only fits
#    the JVM that made it; docs/benchmarks.md "Device agent");
# 4. writes bash completion.
# Without Java (or DESTDIR tests without it), steps 3 and 4 are skipped: the agent still runs, with a few MiB more memory.
set -eu

PREFIX=/opt/breathgate
DESTDIR=
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)

while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=$2; shift 2 ;;
    --destdir) DESTDIR=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "prepare-device.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

case "$ARCH" in
  aarch64|arm64) SERIAL_ARCH=armv8_64; PI4J_ARCH=aarch64; SQLITE_ARCH=aarch64; BITS=64 ;;
  armv7l|armv7|armhf) SERIAL_ARCH=armv7hf; PI4J_ARCH=armhf; SQLITE_ARCH=armv7; BITS=32 ;;
  armv6l|armel) SERIAL_ARCH=armv6hf; PI4J_ARCH=armhf; SQLITE_ARCH=armv6; BITS=32 ;;
  x86_64|amd64) SERIAL_ARCH=x86_64; PI4J_ARCH=; SQLITE_ARCH=x86_64; BITS=64 ;;
  *) echo "breathgate-agent: unsupported architecture $ARCH" >&2; exit 2 ;;
esac

say() { echo "breathgate-agent: $*"; }
JAR="$DESTDIR$PREFIX/breathgate-agent.jar"
[ -f "$JAR" ] || { echo "prepare-device.sh: $JAR is missing; install the breathgate-agent package" >&2; exit 2; }

# 0. Configuration (root writes, the agent's group reads; setup writes agent.properties 0640) and state (the outbox,
# the device's key: the agent's own, 0700). Owned by the service user when it exists (not in a DESTDIR).
if [ -z "$DESTDIR" ] && getent passwd breathgate >/dev/null 2>&1; then
  install -d -m 0750 -o root -g breathgate /etc/breathgate
  install -d -m 0700 -o breathgate -g breathgate /var/lib/breathgate /var/lib/breathgate/tmp
else
  install -d -m 0750 "$DESTDIR/etc/breathgate"
  install -d -m 0700 "$DESTDIR/var/lib/breathgate" "$DESTDIR/var/lib/breathgate/tmp"
fi
chmod 0700 "$DESTDIR/var/lib/breathgate" "$DESTDIR/var/lib/breathgate/tmp"

# 1. Native libraries.
rm -rf "$DESTDIR$PREFIX/native"
install -d -m 0755 "$DESTDIR$PREFIX/native/jserialcomm" "$DESTDIR$PREFIX/native/pi4j" "$DESTDIR$PREFIX/native/sqlite"
unpack() { # jar entry, target folder
  tmp=$(mktemp -d)
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o -j "$JAR" "$1" -d "$tmp"
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$JAR" "$1" "$tmp" <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as z:
    with open(os.path.join(sys.argv[3], os.path.basename(sys.argv[2])), 'wb') as out:
        out.write(z.read(sys.argv[2]))
PY
  else
    echo "prepare-device.sh: needs unzip or python3 to unpack the native libraries: sudo apt-get install unzip" >&2
    exit 2
  fi
  install -m 0644 "$tmp"/*.so "$2/"
  rm -rf "$tmp"
}
unpack "Linux/$SERIAL_ARCH/libjSerialComm.so" "$DESTDIR$PREFIX/native/jserialcomm"
unpack "org/sqlite/native/Linux/$SQLITE_ARCH/libsqlitejdbc.so" "$DESTDIR$PREFIX/native/sqlite"
if [ -n "$PI4J_ARCH" ]; then
  unpack "lib/$PI4J_ARCH/pi4j-gpiod/libgpiod.so" "$DESTDIR$PREFIX/native/pi4j"
  unpack "lib/$PI4J_ARCH/pi4j-gpiod/libpi4j-gpiod.so" "$DESTDIR$PREFIX/native/pi4j"
fi

# 2. The unit, with the prefix filled in and the flags this JVM and processor take.
install -d -m 0755 "$DESTDIR/etc/systemd/system"
UNIT="$DESTDIR/etc/systemd/system/breathgate-agent.service"
sed "s|@PREFIX@|$PREFIX|g" "$DESTDIR$PREFIX/breathgate-agent.service.in" > "$UNIT.new"
if command -v java >/dev/null 2>&1 && ! java -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000 -version >/dev/null 2>&1; then
  sed -i 's| -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000||' "$UNIT.new"
  say "this JVM cannot trim its native heap (older than 17.0.9); the flag was left out"
fi
# A 32-bit JVM has no compressed class pointers, and would warn about their space in every start's log.
if [ "$BITS" = 32 ]; then
  sed -i 's| -XX:CompressedClassSpaceSize=16m||' "$UNIT.new"
fi
chmod 0644 "$UNIT.new"
mv -f "$UNIT.new" "$UNIT"

# 3. Class-data sharing for the agent's own classes, made with this device's JVM from the class list measured in the
# benchmark. The archive records the jar's path and is used only when the jar runs from that path: with DESTDIR, that
# is the DESTDIR copy (tests and benchmarks run it there).
if command -v java >/dev/null 2>&1; then
  if java -Xshare:dump -XX:SharedClassListFile="$DESTDIR$PREFIX/agent-classes.lst" -XX:SharedArchiveFile="$DESTDIR$PREFIX/agent.jsa.new" \
       -cp "$JAR" >/dev/null 2>&1; then
    chmod 0644 "$DESTDIR$PREFIX/agent.jsa.new"
    mv -f "$DESTDIR$PREFIX/agent.jsa.new" "$DESTDIR$PREFIX/agent.jsa"
  else
    rm -f "$DESTDIR$PREFIX/agent.jsa.new"
    say "no class-data-sharing archive (java -Xshare:dump failed); the agent runs without it"
  fi
fi

# 4. Shell completion.
if command -v java >/dev/null 2>&1; then
  install -d -m 0755 "$DESTDIR/usr/share/bash-completion/completions"
  if java -jar "$JAR" generate-completion > "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent.new" 2>/dev/null; then
    mv -f "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent.new" "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent"
  else
    rm -f "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent.new"
  fi
fi
say "prepared for $ARCH in $DESTDIR$PREFIX"
