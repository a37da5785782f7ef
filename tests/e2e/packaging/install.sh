#!/bin/sh
# cmake --install into a temporary prefix (no root needed), then what a user
# of the installed tree gets: every program runs from there (--version), each
# has a manual page that man reads without one groff warning (man --warnings,
# lintian's check), bash completion completes, the config files check with
# -n (and survive a second install), and ims-bench runs the installed
# scenarios with the installed programs. The units: units.sh.
#   install.sh BUILD_DIR
. "$(dirname "$0")/../../lib/common.sh"
BUILD=$1
VERSION=$(cat "$BUILD/generated/VERSION")
PROGS="hssd hss-ctl scscf-stub ue-sim aka-tool ims-trace ims-bench diam-load"
command -v cmake >/dev/null || { echo "skipped: cmake not installed"; exit 77; }
T=$(mktemp -d /tmp/pkg-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
P=$T/usr

if cmake --install "$BUILD" --prefix "$P" >"$T/install.log" 2>&1; then
	ok "cmake --install --prefix $P"
else
	bad "cmake --install failed: $(tail -3 "$T/install.log")"
	exit 1
fi

for p in $PROGS; do
	out=$("$P/bin/$p" --version 2>&1)
	[ "$out" = "$p $VERSION" ] && ok "installed $p --version: $out" || bad "installed $p --version: '$out'"
done

# Manual pages: one per program, no groff warning, a NAME section.
if [ ! -d "$P/share/man" ]; then
	bad "no manual pages installed (was pandoc missing at build time? apt-get install pandoc)"
elif ! command -v man >/dev/null; then
	echo "# man not installed (apt-get install man-db): manual pages not read"
else
	for p in $PROGS; do
		page=$(ls "$P"/share/man/man[18]/"$p".[18].gz 2>/dev/null | head -1)
		if [ -z "$page" ]; then bad "$p: no manual page"; continue; fi
		warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
		text=$(MANWIDTH=80 man -l "$page" 2>/dev/null)
		if [ -n "$warn" ]; then
			bad "$p: man --warnings: $(echo "$warn" | head -3)"
		elif ! echo "$text" | grep -q "^ *$p - "; then
			bad "$p: no 'NAME' line '$p - ...' in the page"
		else
			ok "${page#"$P"/}: no groff warning, NAME '$(echo "$text" | grep -m1 "^ *$p - " | sed 's/^ *//' | cut -c1-60)…'"
		fi
	done
fi

# Configs: the daemons accept them; a second install keeps an edited one.
"$P/bin/hssd" -n -c "$P/etc/ims-hss-bench/hssd.conf" >/dev/null 2>"$T/err" &&
	ok "hssd -n -c etc/ims-hss-bench/hssd.conf" || bad "hssd -n: $(cat "$T/err")"
"$P/bin/scscf-stub" -n -c "$P/etc/ims-hss-bench/scscf.conf" >/dev/null 2>"$T/err" &&
	ok "scscf-stub -n -c etc/ims-hss-bench/scscf.conf" || bad "scscf-stub -n: $(cat "$T/err")"
for f in hssd.conf.example scscf.conf.example; do
	[ -f "$P/share/doc/ims-hss-bench/examples/$f" ] && ok "share/doc/ims-hss-bench/examples/$f" || bad "no $f"
done
# hss/deploy: the two-hssd agent configuration, beside the examples
for f in README.md dra.conf rtd.conf acl_wl.conf hssd1.conf hssd2.conf dra_apps.c; do
	[ -f "$P/share/doc/ims-hss-bench/examples/deploy/$f" ] || bad "no examples/deploy/$f"
done
"$P/bin/hssd" -n -c "$P/share/doc/ims-hss-bench/examples/deploy/hssd1.conf" >/dev/null 2>"$T/err" &&
	ok "share/doc/ims-hss-bench/examples/deploy: the agent configuration (hssd1.conf checks with -n)" ||
	bad "hssd -n examples/deploy/hssd1.conf: $(cat "$T/err")"
echo "# edited by the admin" >>"$P/etc/ims-hss-bench/hssd.conf"
cmake --install "$BUILD" --prefix "$P" >"$T/install2.log" 2>&1
grep -q '^# edited by the admin' "$P/etc/ims-hss-bench/hssd.conf" &&
	ok "a second install keeps the edited etc/ims-hss-bench/hssd.conf" || bad "the edited hssd.conf was overwritten"

# bash completion, as bash-completion loads it for the command's name.
out=$(PATH=$P/bin:$PATH bash -c '
	shopt -s extglob progcomp
	. "$1/share/bash-completion/completions/hss-ctl"
	c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _ims_hss_bench; echo "${COMPREPLY[*]}"; }
	c hss-ctl --db x.db ""
	c ims-bench run --no
	c ue-sim register --alg ""' sh "$P" 2>&1)
if echo "$out" | sed -n 1p | grep -qw add && [ "$(echo "$out" | sed -n 2p)" = "--no-capture" ] &&
	[ "$(echo "$out" | sed -n 3p)" = "AKAv1-MD5 AKAv2-MD5 MD5" ]; then
	ok "bash completion: hss-ctl commands, ims-bench --no-capture, ue-sim --alg values"
else
	bad "bash completion: $out"
fi

# ims-bench from the installed tree, on the installed scenarios.
mkdir "$T/run" && cd "$T/run" || exit 1
if PATH=/usr/bin:/bin "$P/bin/ims-bench" run "$P/share/ims-bench/scenarios/akav1-register.scn" \
	"$P/share/ims-bench/scenarios/resync.scn" --no-capture --junit out.xml >"$T/bench.log" 2>&1 &&
	grep -q '^2 passed, 0 failed$' "$T/bench.log"; then
	ok "installed ims-bench runs the installed scenarios with the installed programs"
else
	bad "installed ims-bench: $(tail -5 "$T/bench.log")"
fi
[ "$FAILS" -eq 0 ]
