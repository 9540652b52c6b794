#!/bin/sh
# Installs the Breathgate device agent on Raspberry Pi OS (Bookworm) or Debian. Idempotent: run it
# again to upgrade. See docs/install.md.
#
#   sudo ./install.sh [--jar breathgate-agent.jar] [--prefix /opt/breathgate] [--arch aarch64|armv7l|x86_64] [--no-systemd]
#
# DESTDIR=/some/dir installs into that folder instead of / (for packaging and tests): no user is
# created, nothing is chowned and systemctl is not run.
set -eu

PREFIX=/opt/breathgate
JAR=
ARCH=$(uname -m)
SYSTEMD=yes
DESTDIR=${DESTDIR:-}
HERE=$(cd "$(dirname "$0")" && pwd)
USER_NAME=breathgate

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    --arch) ARCH=$2; shift 2 ;;
    --no-systemd) SYSTEMD=no; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$JAR" ]; then
  for candidate in "$HERE/breathgate-agent.jar" "$HERE/../device-agent/target/breathgate-agent.jar"; do
    [ -f "$candidate" ] && JAR=$candidate && break
  done
fi
[ -n "$JAR" ] && [ -f "$JAR" ] || { echo "install.sh: breathgate-agent.jar not found; build it (mvn -pl device-agent -am package) or give --jar" >&2; exit 2; }

if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo ./install.sh)" >&2
  exit 2
fi

case "$ARCH" in
  aarch64|arm64) SERIAL_ARCH=armv8_64; PI4J_ARCH=aarch64; SQLITE_ARCH=aarch64 ;;
  armv7l|armv7|armhf) SERIAL_ARCH=armv7hf; PI4J_ARCH=armhf; SQLITE_ARCH=armv7 ;;
  armv6l) SERIAL_ARCH=armv6hf; PI4J_ARCH=armhf; SQLITE_ARCH=armv6 ;;
  x86_64|amd64) SERIAL_ARCH=x86_64; PI4J_ARCH=; SQLITE_ARCH=x86_64 ;;
  *) echo "install.sh: unsupported architecture $ARCH" >&2; exit 2 ;;
esac

say() { echo "breathgate install: $*"; }

if [ -z "$DESTDIR" ]; then
  command -v java >/dev/null 2>&1 || { echo "install.sh: Java 17 is needed: sudo apt-get install openjdk-17-jre-headless" >&2; exit 2; }
  if ! getent group "$USER_NAME" >/dev/null; then groupadd --system "$USER_NAME"; fi
  if ! getent passwd "$USER_NAME" >/dev/null; then
    useradd --system --gid "$USER_NAME" --home-dir /var/lib/breathgate --no-create-home --shell /usr/sbin/nologin \
      --comment "Breathgate device agent" "$USER_NAME"
    say "created user $USER_NAME"
  fi
  for g in dialout gpio video audio tss; do
    getent group "$g" >/dev/null || groupadd --system "$g"
  done
  OWNER="-o $USER_NAME -g $USER_NAME"
  ETC_GROUP="-o root -g $USER_NAME"
else
  OWNER=
  ETC_GROUP=
fi

# The program and its native libraries.
install -d -m 0755 "$DESTDIR$PREFIX" "$DESTDIR$PREFIX/native/jserialcomm" "$DESTDIR$PREFIX/native/pi4j" "$DESTDIR$PREFIX/native/sqlite"
install -m 0644 "$JAR" "$DESTDIR$PREFIX/breathgate-agent.jar.new"
mv -f "$DESTDIR$PREFIX/breathgate-agent.jar.new" "$DESTDIR$PREFIX/breathgate-agent.jar"

unpack() { # jar entry, target folder
  tmp=$(mktemp -d)
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o -j "$DESTDIR$PREFIX/breathgate-agent.jar" "$1" -d "$tmp"
  else
    python3 - "$DESTDIR$PREFIX/breathgate-agent.jar" "$1" "$tmp" <<'PY'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1]) as z:
    with open(os.path.join(sys.argv[3], os.path.basename(sys.argv[2])), 'wb') as out:
        out.write(z.read(sys.argv[2]))
PY
  fi
  install -m 0644 "$tmp"/* "$2/"
  rm -rf "$tmp"
}
unpack "Linux/$SERIAL_ARCH/libjSerialComm.so" "$DESTDIR$PREFIX/native/jserialcomm"
unpack "org/sqlite/native/Linux/$SQLITE_ARCH/libsqlitejdbc.so" "$DESTDIR$PREFIX/native/sqlite"
if [ -n "$PI4J_ARCH" ]; then
  unpack "lib/$PI4J_ARCH/pi4j-gpiod/libgpiod.so" "$DESTDIR$PREFIX/native/pi4j"
  unpack "lib/$PI4J_ARCH/pi4j-gpiod/libpi4j-gpiod.so" "$DESTDIR$PREFIX/native/pi4j"
fi

# The command technicians type; the same JVM settings as the unit, but a larger heap is not needed.
install -d -m 0755 "$DESTDIR/usr/bin"
cat > "$DESTDIR/usr/bin/breathgate-agent.new" <<WRAPPER
#!/bin/sh
exec java -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \\
  -DjSerialComm.library.path=$PREFIX/native/jserialcomm -Dpi4j.library.path=$PREFIX/native/pi4j \\
  -Dorg.sqlite.lib.path=$PREFIX/native/sqlite -Dorg.sqlite.lib.name=libsqlitejdbc.so \\
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar $PREFIX/breathgate-agent.jar "\$@"
WRAPPER
chmod 0755 "$DESTDIR/usr/bin/breathgate-agent.new"
mv -f "$DESTDIR/usr/bin/breathgate-agent.new" "$DESTDIR/usr/bin/breathgate-agent"

# Configuration (secrets: root writes, the agent's group reads) and state (the agent's own).
install -d -m 0750 $ETC_GROUP "$DESTDIR/etc/breathgate"
install -d -m 0750 $OWNER "$DESTDIR/var/lib/breathgate"
install -d -m 0750 $OWNER "$DESTDIR/var/lib/breathgate/tmp"

install -d -m 0755 "$DESTDIR/etc/systemd/system"
sed "s|@PREFIX@|$PREFIX|g" "$HERE/systemd/breathgate-agent.service" > "$DESTDIR/etc/systemd/system/breathgate-agent.service.new"
# Native heap trimming arrived in JDK 17.0.9; an older JVM would refuse to start with the flag.
if command -v java >/dev/null 2>&1 && ! java -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000 -version >/dev/null 2>&1; then
  sed -i 's| -XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=2000||' "$DESTDIR/etc/systemd/system/breathgate-agent.service.new"
  say "this JVM cannot trim its native heap (older than 17.0.9); the flag was left out"
fi
# A 32-bit JVM has no compressed class pointers, and would warn about their space in every start's log.
case "$ARCH" in
  armv7l|armv7|armhf|armv6l) sed -i 's| -XX:CompressedClassSpaceSize=16m||' "$DESTDIR/etc/systemd/system/breathgate-agent.service.new" ;;
esac
chmod 0644 "$DESTDIR/etc/systemd/system/breathgate-agent.service.new"
mv -f "$DESTDIR/etc/systemd/system/breathgate-agent.service.new" "$DESTDIR/etc/systemd/system/breathgate-agent.service"

# Class-data sharing for the agent's own classes: made with this device's JVM (an archive only fits
# the JVM that made it), from the class list measured in the benchmark. Without it the agent still
# runs, with a few MiB more memory. The archive records the jar's path and is used only when the jar
# runs from that path: with DESTDIR, that is the DESTDIR copy (tests and benchmarks run it there; a
# package built with DESTDIR must make the archive again on the device).
install -m 0644 "$HERE/agent-classes.lst" "$DESTDIR$PREFIX/agent-classes.lst"
if command -v java >/dev/null 2>&1; then
  if java -Xshare:dump -XX:SharedClassListFile="$DESTDIR$PREFIX/agent-classes.lst" -XX:SharedArchiveFile="$DESTDIR$PREFIX/agent.jsa.new" \
       -cp "$DESTDIR$PREFIX/breathgate-agent.jar" >/dev/null 2>&1; then
    chmod 0644 "$DESTDIR$PREFIX/agent.jsa.new"
    mv -f "$DESTDIR$PREFIX/agent.jsa.new" "$DESTDIR$PREFIX/agent.jsa"
  else
    rm -f "$DESTDIR$PREFIX/agent.jsa.new"
    say "no class-data-sharing archive (java -Xshare:dump failed); the agent runs without it"
  fi
fi

# The Pi's own LED as the status light (panel=none): a udev rule lets the agent's group switch it.
install -d -m 0755 "$DESTDIR/etc/udev/rules.d"
install -m 0644 "$HERE/udev/60-breathgate-led.rules" "$DESTDIR/etc/udev/rules.d/60-breathgate-led.rules"
if [ -z "$DESTDIR" ] && command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger --subsystem-match=leds --action=add 2>/dev/null || true
fi

# Shell completion, when Java is here to generate it.
if command -v java >/dev/null 2>&1; then
  install -d -m 0755 "$DESTDIR/usr/share/bash-completion/completions"
  if java -jar "$DESTDIR$PREFIX/breathgate-agent.jar" generate-completion > "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent.new" 2>/dev/null; then
    mv -f "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent.new" "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent"
  else
    rm -f "$DESTDIR/usr/share/bash-completion/completions/breathgate-agent.new"
  fi
fi

if [ -z "$DESTDIR" ] && [ "$SYSTEMD" = yes ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable breathgate-agent.service >/dev/null
  if [ -f /etc/breathgate/agent.properties ]; then
    systemctl restart breathgate-agent.service
    say "agent restarted"
  fi
fi

say "installed in ${DESTDIR}${PREFIX} for $ARCH."
[ -f "$DESTDIR/etc/breathgate/agent.properties" ] || say "next: sudo breathgate-agent setup"
