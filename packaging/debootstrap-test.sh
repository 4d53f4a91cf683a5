#!/usr/bin/env bash
# debootstrap-test.sh — test of the Debian packages, a stage of scripts/test.sh:
# build the .debs, make a fresh Debian 12 (bookworm, minbase) root with
# debootstrap, install them there with apt (which pulls the Depends from the
# machine's own Debian mirror), start tiendo-server inside the root with its
# PACKAGED config (/etc/tiendo/server.conf, listen 127.0.0.1:7443, run as
# user tiendo as the unit does), and sync an office (the packaged tiendo,
# inside the root) against it.  Loopback only.  Needs root and debootstrap.
#
#   TD_DEBOOTSTRAP=1 bash packaging/debootstrap-test.sh
#   env: TD_DEBIAN_MIRROR  the Debian archive to use; default: the first URI
#                          of this machine's apt sources (/etc/apt/sources.list,
#                          /etc/apt/sources.list.d/*.list and *.sources) that
#                          serves the suite; none: the script stops and says so.
#        TD_SUITE          default bookworm
#        TD_ROOT           default a new directory under /var/tmp, removed after
#        TD_KEEP_ROOT=1    keeps it afterwards
# Nothing is cached across runs: the root is made anew each time (the build
# of the packages runs while debootstrap downloads).  Every mount and every
# process the script starts (debootstrap, the server, anything left running
# inside the root) is undone by its mount point or PID on exit.
set -euo pipefail
[ "${TD_DEBOOTSTRAP:-0}" = 1 ] || { echo "debootstrap-test: chạy với TD_DEBOOTSTRAP=1 (cần root, debootstrap)"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "debootstrap-test: cần quyền root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap-test: thiếu debootstrap: apt-get install debootstrap" >&2; exit 1; }

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TD_DEB_BUILD:-$SRC/build-deb}
SUITE=${TD_SUITE:-bookworm}

# The first Debian archive URI of the machine's apt sources that serves
# $SUITE (deb822 *.sources: a stanza's URIs with its Suites; one-line *.list:
# "deb [opts] URI SUITE COMPONENTS").  Prints nothing when there is none.
apt_mirror() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v s="$SUITE" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                                         if ($(i + 1) == s) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v s="$SUITE" 'function flush() { if (deb && uris != "" && (" " suites " ") ~ (" " s " ")) { split(uris, u, " "); print u[1]; exit }
                                              deb = 0; uris = ""; suites = "" }
                           /^[ \t]*$/ { flush(); next }
                           /^#/ { next }
                           tolower($1) == "types:" { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
                           tolower($1) == "uris:" { sub(/^[^:]*:[ \t]*/, ""); uris = $0 }
                           tolower($1) == "suites:" { sub(/^[^:]*:[ \t]*/, ""); suites = $0 }
                           tolower($1) == "enabled:" && tolower($2) == "no" { deb = 0 }
                           END { flush() }' "$f"
    done
}
MIRROR=${TD_DEBIAN_MIRROR:-$(apt_mirror | head -n 1)}
if [ -z "$MIRROR" ]; then
    echo "debootstrap-test: không tìm thấy kho gói Debian cho $SUITE trong nguồn apt của máy" >&2
    echo "  (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list, *.sources)." >&2
    echo "  Hãy đặt biến TD_DEBIAN_MIRROR=URI_KHO_DEBIAN rồi chạy lại." >&2
    exit 1
fi
ROOT=${TD_ROOT:-$(mktemp -d /var/tmp/tiendo-$SUITE.XXXXXX)}
chmod 755 "$ROOT"   # mktemp's 0700 would keep the server's user tiendo out of its own root
T0=$SECONDS
step() { echo "[debootstrap-test $((SECONDS - T0))s] $*"; }

MOUNTS=()
DBS= SRV=
cleanup() {
    local rc=$? pid m i
    [ -n "$DBS" ] && { kill -- "-$DBS" 2>/dev/null || kill "$DBS" 2>/dev/null || true; }
    for pid in $DBS $SRV; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    # Any process still running inside the root (a daemon a maintainer script
    # started, the server's children): found by its root directory, ended by PID.
    if [ -d "$ROOT" ]; then
        for sig in TERM KILL; do
            for pid in $(ls /proc | grep -E '^[0-9]+$'); do
                [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$ROOT" ] || continue
                echo "debootstrap-test: dừng tiến trình $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)) [$sig]"
                kill -s "$sig" "$pid" 2>/dev/null || true
            done
            [ "$sig" = TERM ] && sleep 0.5
        done
    fi
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        m=${MOUNTS[i]}
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "debootstrap-test: không gỡ được $m" >&2
    done
    if [ "${TD_KEEP_ROOT:-0}" = 1 ]; then echo "debootstrap-test: giữ lại $ROOT"
    elif ! grep -q " $ROOT/" /proc/mounts; then rm -rf --one-file-system "$ROOT" "$ROOT.debootstrap.log"; fi
    step "exit $rc"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "debootstrap --variant=minbase $SUITE into $ROOT from $MIRROR (in the background)"
[ -x "$ROOT/usr/bin/apt-get" ] && { echo "debootstrap-test: $ROOT không trống" >&2; exit 1; }
# its own session, so that its downloads and chrooted installs end with it (kill -- -PID)
setsid debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.debootstrap.log" 2>&1 &
DBS=$!

step "build the packages in $BUILD"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice cmake --build "$BUILD" -j"$(nproc)" --target tiendo tiendo-server tiendo-pki man >/dev/null
rm -f "$BUILD"/*.deb
(cd "$BUILD" && cpack >/dev/null)
ls "$BUILD"/*.deb

step "wait for debootstrap"
if ! wait "$DBS"; then
    DBS=
    echo "debootstrap-test: debootstrap thất bại (kho $MIRROR):" >&2
    tail -n 5 "$ROOT.debootstrap.log" >&2
    exit 1
fi
DBS=
bind() { mount "$@"; MOUNTS+=("${@: -1}"); }
bind -t proc proc "$ROOT/proc"
bind --bind /dev "$ROOT/dev"
bind --bind /dev/pts "$ROOT/dev/pts"
bind -t sysfs sys "$ROOT/sys"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TZ=Asia/Ho_Chi_Minh "$@"; }

step "apt install the two packages (Depends from the mirror)"
mkdir -p "$ROOT/tmp/debs"
cp "$BUILD"/*.deb "$ROOT/tmp/debs/"
echo "deb $MIRROR $SUITE main" >"$ROOT/etc/apt/sources.list"
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
for _ in $(seq 300); do
    grep -q "listening on" "$ROOT/tmp/server.log" && break
    kill -0 "$SRV" 2>/dev/null || break
    sleep 0.1
done
grep "listening on" "$ROOT/tmp/server.log" ||
    { echo "debootstrap-test: máy chủ không khởi động được:" >&2; tail -n 20 "$ROOT/tmp/server.log" >&2; exit 1; }

step "an office syncs against it"
in_root tiendo init --dir /root/office --agency so-khcn --device vanthu-01 >/dev/null
in_root tiendo-pki sign --dir /root/ca --agency so-khcn --role office /root/office/device.csr --out /root/office.crt \
    >/dev/null
in_root tiendo init --dir /root/office --cert /root/office.crt --ca /root/ca/ca.crt --server 127.0.0.1:7443 >/dev/null
in_root tiendo report --dir /root/office --task 1 --period 2025-05 --state dang --percent 40 \
    --result "Đã lắp đặt gói và đồng bộ thử" --no-prompt >/dev/null
in_root tiendo sync --dir /root/office
in_root tiendo status --dir /root/office >"$ROOT/tmp/status.txt"
head -n 8 "$ROOT/tmp/status.txt"
grep -q "^Chờ gửi: 0 mục" "$ROOT/tmp/status.txt" || { echo "debootstrap-test: báo cáo chưa được gửi" >&2; exit 1; }
grep -q "^Đã gửi và được máy chủ lưu: [1-9]" "$ROOT/tmp/status.txt" ||
    { echo "debootstrap-test: máy chủ chưa lưu báo cáo" >&2; exit 1; }
step "backup while serving, as root (the operator)"
in_root tiendo-server backup /root/backup.db --config /etc/tiendo/server.conf
kill "$SRV"; wait "$SRV" || true; SRV=
grep -E "stopped" "$ROOT/tmp/server.log"
step "done: packages installed in a fresh bookworm root, server ran from its packaged config, office synced"
