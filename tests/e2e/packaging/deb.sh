#!/bin/sh
# The Debian package: cpack -G DEB from the build, lintian (no error or
# warning beyond the package's justified overrides), then dpkg -i on this
# machine, what the package gives (programs on PATH with the build's
# version, man pages, units verified, ims-bench on the packaged scenarios),
# the service user hssd and its store directory (0700) from postinst, the
# store provisioned as the docs say and served by hssd running as that user,
# dpkg -r (only the conffiles and the store stay), dpkg -P (nothing of the
# package stays, `systemctl enable`'s links neither; the store does). Root
# only: exit 77 otherwise, and when the package or a user hssd is on this
# machine already (not ours to remove).
#   deb.sh BUILD_DIR
. "$(dirname "$0")/../../lib/common.sh"
BUILD=$1
PKG=ims-hss-bench
if [ "$(id -u)" != 0 ]; then
	echo "skipped: installing a .deb needs root (dpkg -i); run as root to test the package"
	exit 77
fi
for p in cpack dpkg dpkg-deb; do
	command -v $p >/dev/null || { echo "skipped: $p not installed"; exit 77; }
done
if dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -q 'ok installed\|config-files'; then
	echo "skipped: $PKG is installed on this machine already; not touching it"
	exit 77
fi
if getent passwd hssd >/dev/null || getent group hssd >/dev/null || [ -e /var/lib/hssd ]; then
	echo "skipped: a user/group hssd or /var/lib/hssd exists on this machine already; not touching it"
	exit 77
fi
T=$(mktemp -d /tmp/pkg-deb.XXXXXX)
INSTALLED=""
HSSD_PID=""
ENABLED=""
# dpkg PKG-ARGS...: dpkg, waiting (up to 120 s) for another dpkg/apt to let go
# of its lock
dpkg_run() {
	_t=120
	while :; do
		dpkg "$@" >"$T/dpkg.log" 2>&1 && return 0
		grep -q 'lock' "$T/dpkg.log" && [ "$_t" -gt 0 ] || return 1
		sleep 1
		_t=$((_t - 1))
	done
}
cleanup() {
	[ -z "$HSSD_PID" ] || { kill "$HSSD_PID" 2>/dev/null; wait "$HSSD_PID" 2>/dev/null; }
	[ -z "$INSTALLED" ] || dpkg_run -P $PKG || echo "# WARNING: could not purge $PKG: $(cat "$T/dpkg.log")"
	[ -z "$ENABLED" ] || rm -f /etc/systemd/system/multi-user.target.wants/hssd.service \
		/etc/systemd/system/multi-user.target.wants/scscf-stub.service
	# what the package made and purge keeps on purpose (the store, the
	# user): this machine had none of it before
	rm -rf /var/lib/hssd
	getent passwd hssd >/dev/null && deluser --system --quiet hssd >/dev/null 2>&1
	getent group hssd >/dev/null && delgroup --system --quiet hssd >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

VERSION=$(cat "$BUILD/generated/VERSION")
# hss/deploy: the two-hssd agent configuration, as examples (not dra_apps.fdx)
EX=/usr/share/doc/ims-hss-bench/examples/deploy
DEPLOY_FILES="$EX/README.md $EX/dra.conf $EX/rtd.conf $EX/acl_wl.conf $EX/hssd1.conf $EX/hssd2.conf $EX/dra_apps.c"
if (cd "$BUILD" && cpack -G DEB -B "$T/pkg") >"$T/cpack.log" 2>&1; then
	DEB=$(ls "$T"/pkg/"${PKG}"_*.deb 2>/dev/null | head -1)
fi
[ -n "${DEB:-}" ] && ok "cpack -G DEB: ${DEB##*/}" || { bad "cpack: $(tail -5 "$T/cpack.log")"; exit 1; }

# What the package says and holds.
info=$(dpkg-deb -f "$DEB" Package Version Depends)
debver=$(dpkg-deb -f "$DEB" Version)
want=$(echo "$VERSION" | sed -E 's/^([0-9][0-9.]*)-/\1+/; s/-/./g')
[ "$debver" = "$want" ] && ok "Version: $debver (from $VERSION)" || bad "Version '$debver', want '$want'"
echo "$info" | grep -q '^Depends: .*libsofia-sip-ua' && ok "Depends from the programs' libraries" ||
	bad "Depends: $(echo "$info" | grep Depends)"
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles >"$T/conffiles" 2>/dev/null
[ "$(cat "$T/conffiles")" = "/etc/ims-hss-bench/hssd.conf
/etc/ims-hss-bench/scscf.conf" ] && ok "conffiles: the two /etc configs" || bad "conffiles: $(cat "$T/conffiles")"
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/bin/hssd /usr/bin/ims-bench /usr/libexec/ims-bench/capture.sh /usr/share/man/man8/hssd.8.gz \
	/usr/share/bash-completion/completions/ue-sim /usr/lib/systemd/system/hssd.service \
	/etc/ims-hss-bench/hssd.conf /usr/share/ims-bench/scenarios/resync.scn \
	/usr/share/doc/ims-hss-bench/examples/scscf.conf.example $DEPLOY_FILES; do
	grep -qx "$f" "$T/contents" || missing="${missing:-} $f"
done
[ -z "${missing:-}" ] && ok "the package holds programs, runner helpers, man pages, completion, units, configs, scenarios, the agent deployment" ||
	bad "the package lacks$missing"

# lintian: every error and warning fixed or overridden with its reason
# (packaging/debian/lintian-overrides, installed with the package).
if command -v lintian >/dev/null; then
	if lintian --fail-on error,warning --tag-display-limit 0 "$DEB" >"$T/lintian.log" 2>&1; then
		ok "lintian: no error or warning"
	else
		bad "lintian: $(grep -E '^[EW]:' "$T/lintian.log" | head -8)"
	fi
else
	echo "# lintian not installed (apt-get install lintian): the package was not linted"
fi
for f in postinst prerm postrm; do
	dpkg-deb --ctrl-tarfile "$DEB" | tar -tv "./$f" 2>/dev/null | grep -q '^-rwxr-xr-x' || noscript="${noscript:-} $f"
done
[ -z "${noscript:-}" ] && ok "maintainer scripts postinst, prerm, postrm (0755)" || bad "no maintainer script$noscript"

# Install, use, remove, purge.
if dpkg_run -i "$DEB"; then
	INSTALLED=1
	ok "dpkg -i"
else
	bad "dpkg -i: $(tail -5 "$T/dpkg.log")"
	exit 1
fi
dpkg-query -L $PKG | sort >"$T/files"
out=$(/usr/bin/hssd --version) && [ "$out" = "hssd $VERSION" ] && ok "/usr/bin/hssd --version: $out" ||
	bad "/usr/bin/hssd --version: $out"
if command -v man >/dev/null; then
	MANWIDTH=80 man 8 hssd 2>/dev/null | grep -q '^ *hssd - ' && ok "man 8 hssd" || bad "man 8 hssd finds no page"
	# each daemon's page names the files its unit uses (FILES)
	for u in hssd scscf-stub; do
		conf=$(sed -n 's/^ExecStart=[^ ]* -c //p' /usr/lib/systemd/system/$u.service)
		want="$conf /usr/lib/systemd/system/$u.service"
		[ $u = hssd ] && want="$want /var/lib/hssd/hss.db"
		page=$(MANWIDTH=200 man 8 $u 2>/dev/null)
		for f in $want; do echo "$page" | grep -qF "$f" || unnamed="${unnamed:-} $f"; done
		[ -z "${unnamed:-}" ] && ok "man 8 $u names $want" || bad "man 8 $u does not name$unnamed"
		unnamed=""
	done
fi
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify /usr/lib/systemd/system/hssd.service /usr/lib/systemd/system/scscf-stub.service 2>&1)
	[ $? = 0 ] && [ -z "$out" ] && ok "systemd-analyze verify of the installed units: clean" ||
		bad "systemd-analyze verify: $out"
fi
# postinst: the system user hssd, its store directory hssd's alone; the
# units run no daemon as root.
pw=$(getent passwd hssd)
uid=$(echo "$pw" | cut -d: -f3)
if [ -n "$pw" ] && [ "$uid" -lt 1000 ] && [ "${pw##*:}" = /usr/sbin/nologin ]; then
	ok "postinst made the system user hssd (uid $uid, no login shell)"
else
	bad "user hssd: '$pw'"
fi
st=$(stat -c '%U:%G %a' /var/lib/hssd 2>&1)
[ "$st" = "hssd:hssd 700" ] && ok "/var/lib/hssd: $st" || bad "/var/lib/hssd: $st (want hssd:hssd 700)"
grep -qx 'User=hssd' /usr/lib/systemd/system/hssd.service && ok "hssd.service: User=hssd" ||
	bad "hssd.service does not run as hssd"
grep -qx 'DynamicUser=yes' /usr/lib/systemd/system/scscf-stub.service && ok "scscf-stub.service: DynamicUser=yes" ||
	bad "scscf-stub.service runs as root"
# The store provisioned as the README says, served by hssd as the unit
# runs it (user hssd, UMask 0077, the installed config), a MAR answered
# from it (its SQN committed: the store is writable by hssd).
R=ims.mnc001.mcc001.3gppnetwork.org
if runuser -u hssd -- hss-ctl --db /var/lib/hssd/hss.db add --imsi 001010000000001 --impi 001010000000001@$R \
	--impu sip:001010000000001@$R --k 465b5ce8b199b49faa5f0a2ee238a6bc \
	--op cdc202d5123e20f62b6d676ac72cb318 >"$T/ctl.log" 2>&1; then
	st=$(stat -c '%U %a' /var/lib/hssd/hss.db)
	[ "$st" = "hssd 600" ] && ok "runuser -u hssd -- hss-ctl --db /var/lib/hssd/hss.db add: the store is hssd's, 0600" ||
		bad "/var/lib/hssd/hss.db: $st (want hssd 600)"
else
	bad "runuser -u hssd -- hss-ctl add: $(cat "$T/ctl.log")"
fi
# (setpriv execs, so $! is hssd itself)
setpriv --reuid=hssd --regid=hssd --init-groups sh -c 'umask 077; exec /usr/bin/hssd -c /etc/ims-hss-bench/hssd.conf \
	--listen tcp://127.0.0.1:0 --port-file /var/lib/hssd/test.port' >"$T/hssd.log" 2>&1 &
HSSD_PID=$!
if wait_file /var/lib/hssd/test.port 10 $HSSD_PID; then
	port=$(cat /var/lib/hssd/test.port)
	huid=$(awk '/^Uid:/ {print $2}' /proc/$HSSD_PID/status)
	if /usr/bin/diam-load --port "$port" --origin-host scscf.$R --realm $R --domain $R --users 1 \
		--imsi-base 001010000000001 --duration 0.3 >"$T/load.log" 2>&1 && [ "$huid" = "$uid" ]; then
		ok "hssd as user hssd (uid $huid) serves /var/lib/hssd/hss.db: MAR answers $(grep -m1 '^results' "$T/load.log" | tr -s ' ')"
	else
		bad "hssd as hssd (uid $huid): $(tail -3 "$T/load.log") $(tail -3 "$T/hssd.log")"
	fi
else
	bad "hssd as user hssd with /etc/ims-hss-bench/hssd.conf did not start: $(tail -3 "$T/hssd.log")"
fi
kill $HSSD_PID 2>/dev/null
wait $HSSD_PID 2>/dev/null
HSSD_PID=""
rm -f /var/lib/hssd/test.port
# enabled as the README says (systemctl enable works without a running systemd)
if command -v systemctl >/dev/null && systemctl enable hssd scscf-stub >"$T/enable.log" 2>&1; then
	ENABLED=1
else
	echo "# systemctl enable hssd scscf-stub: $(tail -1 "$T/enable.log" 2>/dev/null): purge's clean-up of the links not checked"
fi
for f in $DEPLOY_FILES; do [ -f "$f" ] || nodeploy="${nodeploy:-} $f"; done
[ -z "${nodeploy:-}" ] && ok "installed: $EX (README, dra/rtd/acl_wl, hssd1/hssd2, dra_apps.c)" ||
	bad "not installed:$nodeploy"
grep -q 'fdx$' "$T/contents" && bad "the package ships an .fdx (it would need libfdcore)"
for f in hssd1.conf hssd2.conf; do
	/usr/bin/hssd -n -c "$EX/$f" >/dev/null 2>"$T/err" && ok "hssd -n -c $EX/$f" || bad "hssd -n $f: $(cat "$T/err")"
done
# dra_apps.fdx built from the installed source as its README says
if command -v cc >/dev/null && [ -f /usr/include/freeDiameter/extension.h ]; then
	cmd=$(grep '^cc .*dra_apps.c' "$EX/README.md")
	if (cd "$T" && eval "$cmd") >"$T/cc.log" 2>&1 && nm -D "$T/dra_apps.fdx" | grep -q ' T fd_ext_init'; then
		ok "the README's command builds dra_apps.fdx from the package ($cmd)"
	else
		bad "building dra_apps.fdx as the README says: $(tail -3 "$T/cc.log")"
	fi
else
	echo "# cc or libfreediameter-dev not installed: dra_apps.fdx not built from the package"
fi
mkdir "$T/run" && cd "$T/run" || exit 1
if ims_out=$(PATH=/usr/bin:/bin ims-bench run /usr/share/ims-bench/scenarios/akav1-register.scn \
	/usr/share/ims-bench/scenarios/mac-failure.scn --no-capture --junit out.xml 2>&1) &&
	echo "$ims_out" | grep -q '^2 passed, 0 failed$'; then
	ok "the packaged ims-bench runs the packaged scenarios"
else
	bad "packaged ims-bench: $(echo "$ims_out" | tail -5)"
fi
cd / || exit 1

dpkg_run -r $PKG && ok "dpkg -r" || bad "dpkg -r: $(tail -3 "$T/dpkg.log")"
left=$(while read -r f; do [ -f "$f" ] && echo "$f"; done <"$T/files")
[ "$left" = "$(cat "$T/conffiles")" ] && ok "after dpkg -r only the conffiles stay" || bad "after dpkg -r: $left"
[ -f /var/lib/hssd/hss.db ] && ok "after dpkg -r the store stays" || bad "dpkg -r removed the store"
dpkg_run -P $PKG && INSTALLED="" && ok "dpkg -P" || bad "dpkg -P: $(tail -3 "$T/dpkg.log")"
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <"$T/files")
[ -z "$left" ] && ok "after dpkg -P no file of the package is left" || bad "after dpkg -P: $left"
[ -d /etc/ims-hss-bench ] && bad "/etc/ims-hss-bench is left"
if [ -n "$ENABLED" ]; then
	links=$(ls /etc/systemd/system/multi-user.target.wants/hssd.service \
		/etc/systemd/system/multi-user.target.wants/scscf-stub.service 2>/dev/null)
	[ -z "$links" ] && ok "after dpkg -P no link of systemctl enable is left" || bad "after dpkg -P: $links"
fi
st=$(stat -c '%U %a' /var/lib/hssd/hss.db 2>&1)
[ "$st" = "hssd 600" ] && getent passwd hssd >/dev/null &&
	ok "after dpkg -P the store /var/lib/hssd/hss.db and its user stay (rm -r /var/lib/hssd removes it)" ||
	bad "after dpkg -P: store '$st', user '$(getent passwd hssd)'"
dpkg-query -W -f='${Status}' $PKG 2>/dev/null | grep -q installed && bad "dpkg still lists $PKG"
[ "$FAILS" -eq 0 ]
