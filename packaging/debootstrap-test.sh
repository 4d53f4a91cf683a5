#!/usr/bin/env bash
# debootstrap-test.sh — opt-in test of the Debian packages (issue 10):
# build the .debs, make a fresh Debian 12 (bookworm) root with debootstrap,
# install them there with apt (which pulls the Depends from the mirror),
# start tiendo-server inside the root with its PACKAGED config
# (/etc/tiendo/server.conf, listen 127.0.0.1:7443, run as user tiendo as
# the unit does), and sync an office (the packaged tiendo, inside the root)
# against it.  Loopback only.  Needs root, debootstrap and a Debian mirror.
#
#   TD_DEBOOTSTRAP=1 bash packaging/debootstrap-test.sh
#   env: TD_MIRROR (default: the first deb.debian.org-style URI of this
#   machine's apt sources, else http://deb.debian.org/debian),
#   TD_ROOT (default /var/tmp/tiendo-bookworm; reused if it exists),
#   TD_KEEP_ROOT=1 keeps it afterwards.
set -euo pipefail
[ "${TD_DEBOOTSTRAP:-0}" = 1 ] || { echo "opt-in: run with TD_DEBOOTSTRAP=1"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "needs root (debootstrap, chroot)"; exit 1; }
command -v debootstrap >/dev/null || { echo "needs debootstrap: apt-get install debootstrap"; exit 1; }

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TD_DEB_BUILD:-$SRC/build-deb}
ROOT=${TD_ROOT:-/var/tmp/tiendo-bookworm}
MIRROR=${TD_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
T0=$SECONDS
step() { echo "[debootstrap-test $((SECONDS - T0))s] $*"; }

step "build the packages in $BUILD"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j2 --target tiendo tiendo-server tiendo-pki >/dev/null
rm -f "$BUILD"/*.deb
(cd "$BUILD" && cpack >/dev/null)
ls "$BUILD"/*.deb

if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    step "debootstrap bookworm into $ROOT from $MIRROR"
    rm -rf "$ROOT"
    debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 || {
        echo "debootstrap failed (mirror $MIRROR): $(tail -n 5 "$ROOT.debootstrap.log")"
        exit 1
    }
fi

cleanup() {
    if [ -n "${SRV:-}" ]; then kill "$SRV" 2>/dev/null || true; wait "$SRV" 2>/dev/null || true; fi
    for m in proc dev/pts dev sys; do umount "$ROOT/$m" 2>/dev/null || true; done
    [ "${TD_KEEP_ROOT:-0}" = 1 ] || rm -rf "$ROOT"
}
trap cleanup EXIT
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t sysfs sys "$ROOT/sys"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TZ=Asia/Ho_Chi_Minh "$@"; }

step "apt install the two packages (Depends from the mirror)"
mkdir -p "$ROOT/tmp/debs"
cp "$BUILD"/*.deb "$ROOT/tmp/debs/"
echo "deb $MIRROR bookworm main" >"$ROOT/etc/apt/sources.list"
in_root apt-get update -qq
DEBS=()
for f in "$ROOT"/tmp/debs/*.deb; do DEBS+=("/tmp/debs/$(basename "$f")"); done
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${DEBS[@]}" >"$ROOT/tmp/apt.log" 2>&1 ||
    { tail -n 20 "$ROOT/tmp/apt.log"; exit 1; }
grep -E "^(Setting up|Unpacking) (tiendo|libuv1|libprotobuf-c1|libsodium23|libsqlite3-0|libssl3|adduser)" \
    "$ROOT/tmp/apt.log" | sed 's/^/  /' || true
in_root dpkg -s tiendo-server tiendo-client | grep -E '^(Package|Status|Version|Depends)'
in_root getent passwd tiendo
in_root stat -c '%U:%G %a %n' /etc/tiendo /etc/tiendo/server.conf /var/lib/tiendo
in_root test -f /usr/lib/systemd/system/tiendo-server.service
in_root man -w tiendo-server >/dev/null 2>&1 || in_root test -f /usr/share/man/man8/tiendo-server.8

step "CA, server key, an office (tiendo-pki inside the root)"
in_root tiendo-pki init --dir /root/ca >/dev/null
in_root tiendo-pki issue-server --dir /root/ca --name tiendo-srv --ip 127.0.0.1 --out-key /etc/tiendo/server.key \
    --out-cert /etc/tiendo/server.crt >/dev/null
in_root cp /root/ca/ca.crt /root/ca/crl.pem /etc/tiendo/
in_root chown tiendo:tiendo /etc/tiendo/server.key
in_root tiendo-server plan import /usr/share/tiendo/plans/726-KH-UBND.txt --apply --config /etc/tiendo/server.conf \
    >/dev/null
in_root chown -R tiendo:tiendo /var/lib/tiendo

step "start tiendo-server with the packaged config, as user tiendo"
chroot --userspec=tiendo:tiendo "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin TIENDO_DATA=/var/lib/tiendo \
    /usr/bin/tiendo-server serve --config /etc/tiendo/server.conf >"$ROOT/tmp/server.log" 2>&1 &
SRV=$!
for _ in $(seq 100); do grep -q "listening on" "$ROOT/tmp/server.log" && break; sleep 0.1; done
grep "listening on" "$ROOT/tmp/server.log"

step "an office syncs against it"
in_root tiendo init --dir /root/office --agency so-khcn --device vanthu-01 >/dev/null
in_root tiendo-pki sign --dir /root/ca --agency so-khcn --role office /root/office/device.csr --out /root/office.crt \
    >/dev/null
in_root tiendo init --dir /root/office --cert /root/office.crt --ca /root/ca/ca.crt --server 127.0.0.1:7443 >/dev/null
in_root tiendo report --dir /root/office --task 1 --period 2025-05 --state dang --percent 40 >/dev/null
in_root tiendo sync --dir /root/office
in_root tiendo status --dir /root/office | head -n 8
PENDING=$(in_root tiendo status --dir /root/office | grep -c "chờ gửi: 0" || true)
step "backup while serving, as root (the operator)"
in_root tiendo-server backup /root/backup.db --config /etc/tiendo/server.conf
kill "$SRV"; wait "$SRV" || true; SRV=
grep -E "stopped" "$ROOT/tmp/server.log"
step "done: packages installed in a fresh bookworm root, server ran from its packaged config, office synced"
