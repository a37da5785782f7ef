#!/bin/sh
# The systemd units of hssd and scscf-stub as an install makes them:
# cmake --install into a temporary prefix, then each unit starts the
# installed program with the installed config, and `systemd-analyze verify`
# (with the installed manual pages for Documentation=) prints nothing, and
# `systemd-analyze security` finds that neither daemon runs as root (hssd
# as the system user hssd, scscf-stub as a transient user).
# Skipped (77) without systemd-analyze (apt-get install systemd).
#   units.sh BUILD_DIR
. "$(dirname "$0")/../../lib/common.sh"
BUILD=$1
command -v cmake >/dev/null || { echo "skipped: cmake not installed"; exit 77; }
if ! command -v systemd-analyze >/dev/null; then
	echo "skipped: systemd-analyze not installed (apt-get install systemd): the units cannot be verified"
	exit 77
fi
T=$(mktemp -d /tmp/pkg-units.XXXXXX)
trap 'rm -rf "$T"' EXIT
P=$T/usr
cmake --install "$BUILD" --prefix "$P" >"$T/install.log" 2>&1 ||
	{ bad "cmake --install: $(tail -3 "$T/install.log")"; exit 1; }
units=""
for u in hssd scscf-stub; do
	unit=$P/lib/systemd/system/$u.service
	[ -f "$unit" ] || { bad "no lib/systemd/system/$u.service"; continue; }
	units="$units $unit"
	grep -q "^ExecStart=$P/bin/$u -c $P/etc/ims-hss-bench/" "$unit" &&
		ok "$u.service starts $P/bin/$u with the installed config" || bad "$u.service: $(grep ^ExecStart= "$unit")"
done
# shellcheck disable=SC2086 # two paths without blanks (mktemp)
if out=$(MANPATH=$P/share/man systemd-analyze verify $units 2>&1) && [ -z "$out" ]; then
	ok "systemd-analyze verify: both units clean ($(systemd-analyze --version | head -1))"
else
	bad "systemd-analyze verify: $out"
fi
for unit in $units; do
	u=$(basename "$unit" .service)
	if ! out=$(systemd-analyze security --offline=true "$unit" 2>&1); then
		bad "systemd-analyze security $u.service: $(echo "$out" | tail -2)"
	elif echo "$out" | grep -q 'Service runs as root user'; then
		bad "$u.service runs the daemon as root (no User= or DynamicUser=)"
	else
		ok "$u.service: $(echo "$out" | grep -o 'Service runs under a [a-z -]*user identity' | head -1)"
	fi
done
[ "$FAILS" -eq 0 ]
