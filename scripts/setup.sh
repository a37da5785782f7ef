#!/usr/bin/env bash
# Installs the Debian packages this project needs (only the missing ones),
# then configures and builds into build/ (or $BUILD_DIR).
#   scripts/setup.sh build   packages to build and run the programs
#   scripts/setup.sh test    plus the real peers and tools the tests use
set -euo pipefail
cd "$(dirname "$0")/.."

# (pandoc turns docs/*.md into the manual pages at build time.)
BUILD_PKGS=(build-essential cmake pkg-config libsofia-sip-ua-dev libssl-dev
	libsqlite3-dev sqlite3 libpq-dev libsctp-dev libcmocka-dev libpcap-dev pandoc)
# Real peers and tools of the test suite (tshark decodes every byte we send,
# freeDiameterd and Kamailio are interop peers, clang builds the fuzzers,
# qemu + busybox run the SCTP tests inside a kernel that has SCTP, headless
# chromium renders ims-trace's --html page and python3-html5lib parses it;
# curl, promtool and the prometheus server scrape hssd's and scscf-stub's
# /metrics; man-db reads the manual pages and systemd's systemd-analyze
# verifies the units the package installs, lintian checks the package
# and adduser is its dependency (e2e/deb installs it with dpkg -i);
# PostgreSQL is the second store backend, started by the tests themselves,
# freeDiameterd's extensions route between two hssd; libfreediameter-dev
# builds hss/deploy's dra_apps.fdx, the extension that lets Kamailio's cdp
# use the agent).
TEST_PKGS=(tshark sip-tester python3 curl prometheus libxml2-utils libosmocore-utils freediameterd
	freediameter-extensions libfreediameter-dev postgresql kamailio kamailio-ims-modules
	kamailio-presence-modules clang libclang-rt-14-dev qemu-system-x86
	busybox-static cpio chromium python3-html5lib man-db systemd lintian adduser)

want=("${BUILD_PKGS[@]}")
[ "${1:-build}" = test ] && want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: need root to install packages (or install them yourself)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
mkdir -p "$BUILD_DIR"
log="$BUILD_DIR/build.log"
echo "setup: configuring and building into $BUILD_DIR/ (log: $log)"
if ! { cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} &&
	cmake --build "$BUILD_DIR" -j"$(nproc)"; } >"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "setup: build failed (full log: $log)" >&2
	exit 1
fi
