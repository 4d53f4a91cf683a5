#!/bin/bash
# deps.sh — install the Debian packages tiendo needs, if missing (as root),
# or say which are missing (otherwise).  Sourced by setup, demo and test.
TD_PACKAGES="build-essential cmake pkg-config libuv1-dev libprotobuf-c-dev protobuf-c-compiler
             libsqlite3-dev libssl-dev libsodium-dev libxxhash-dev openssl sqlite3 clang valgrind
             chromium libreoffice-calc fonts-dejavu-core python3 faketime debootstrap
             libmicrohttpd-dev chromium-driver python3-selenium curl"
td_install_deps() {
    local missing=()
    for p in $TD_PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ]; then
        echo "== cài gói Debian: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" ||
            { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
    else
        echo "Thiếu gói Debian: ${missing[*]}" >&2
        echo "Hãy chạy với quyền root, hoặc: sudo apt-get install ${missing[*]}" >&2
        return 1
    fi
}
# td_build DIR [-DVAR=VALUE...] [--target T...]: configure DIR with the -D
# arguments and build every target, or only those named.
td_build() {
    local dir=$1 def=() tgt=()
    shift
    while [ $# -gt 0 ]; do
        if [ "$1" = --target ]; then tgt+=(--target "$2"); shift 2; else def+=("$1"); shift; fi
    done
    cmake -S "$TD_ROOT" -B "$dir" -DTD_WERROR=ON "${def[@]}" >/dev/null &&
        cmake --build "$dir" -j"$(nproc)" "${tgt[@]}"
}
