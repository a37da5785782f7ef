#!/bin/sh
# hss-ctl migrate (docs/hss-ctl.md): an SQLite store copied whole into a
# real PostgreSQL and back.
#   1. SQLite -> PostgreSQL: subscribers (MILENAGE, TUAK), SQNs, identities,
#      APNs, EPS profile, charging information, fault rules: hss-ctl list,
#      show and fault list read the same from both;
#   2. into a store that is not empty: refused, exit 1, nothing written;
#   3. PostgreSQL -> a new SQLite file: the same again (a backup);
#   4. usage: --to missing (exit 2), no such source (exit 1, named), a
#      password in the URI never printed.
#   pg_migrate.sh HSS_CTL
# Exit 0 pass, 1 fail, 77 PostgreSQL not installed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=../../lib/pg.sh
. "$HERE/../../lib/pg.sh"
CTL=${1:-}
need_exe "$CTL" hss-ctl
T=$(mktemp -d /tmp/pg-migrate.XXXXXX)
trap 'pg_stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
PG_FAST=1 pg_start "$T" || { bad "PostgreSQL did not start"; exit 1; }
R=mig.test
S=$T/src.db
ctl() { "$CTL" --db "$@"; }
ctl "$S" add --imsi 001010000000001 --impi one@$R --impu sip:one@$R --impu tel:+15550001 \
	--k 465b5ce8b199b49faa5f0a2ee238a6bc --op cdc202d5123e20f62b6d676ac72cb318 \
	--sqn 2a --password sesame >/dev/null &&
ctl "$S" add --imsi 001010000000002 --impi two@$R --impu sip:two@$R --algo tuak \
	--k 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \
	--topc 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f \
	--res-len 16 >/dev/null &&
ctl "$S" set-sqn two@$R ffffffffff00 >/dev/null &&
ctl "$S" apn add internet --qci 8 >/dev/null &&
ctl "$S" apn assign one@$R internet --default >/dev/null &&
ctl "$S" set-eps one@$R --msisdn 15550001 >/dev/null &&
ctl "$S" set-charging one@$R --ecf aaa://ecf.$R >/dev/null &&
ctl "$S" fault add --command MAR --user 'one@*' --every 3 --action result:5012 >/dev/null &&
ctl "$S" fault add --command SAR --action drop >/dev/null &&
ctl "$S" fault del 2 >/dev/null || { bad "provisioning the source"; exit 1; }

views() { # views STORE: what hss-ctl shows of it
	for v in "list --show-keys" "show one@$R --show-keys" "show two@$R --show-keys" \
		"apn list" "fault list"; do
		# shellcheck disable=SC2086
		ctl "$1" $v 2>&1
	done
}

# --- 1 -----------------------------------------------------------------------
if "$CTL" migrate --from "$S" --to "$PG_URI" >"$T/out1" 2>&1; then
	ok "migrate to PostgreSQL: $(cat "$T/out1")"
else
	bad "migrate to PostgreSQL: $(cat "$T/out1")"
fi
grep -q "2 subscribers, 3 public identities" "$T/out1" || bad "counts: $(cat "$T/out1")"
views "$S" >"$T/v.src"
views "$PG_URI" >"$T/v.pg"
if cmp -s "$T/v.src" "$T/v.pg"; then
	ok "list, show, apn list, fault list the same on PostgreSQL ($(wc -l <"$T/v.pg") lines)"
else
	bad "PostgreSQL differs from the source:"; diff "$T/v.src" "$T/v.pg" | head -20
fi
grep -q "ffffffffff00" "$T/v.pg" || bad "SQN ffffffffff00 not on PostgreSQL"
# fault rule ids are never reused, across the copy too
ctl "$PG_URI" fault add --command LIR --action drop >"$T/f" 2>&1
grep -q "3" "$T/f" && ok "a new fault rule on PostgreSQL takes id 3, not the deleted 2: $(cat "$T/f")" ||
	bad "new fault rule: $(cat "$T/f")"
ctl "$PG_URI" fault del 3 >/dev/null

# --- 2 -----------------------------------------------------------------------
"$CTL" migrate --from "$S" --to "$PG_URI" >"$T/out2" 2>&1
rc=$?
views "$PG_URI" >"$T/v.pg2"
if [ $rc = 1 ] && grep -q "not empty" "$T/out2" && grep -q "nothing was written" "$T/out2" &&
	cmp -s "$T/v.pg" "$T/v.pg2"; then
	ok "into a store that is not empty: exit 1, $(cat "$T/out2")"
else
	bad "migrate into a non-empty store: exit $rc, $(cat "$T/out2")"
fi

# --- 3 -----------------------------------------------------------------------
"$CTL" migrate --from "$PG_URI" --to "$T/back.db" >"$T/out3" 2>&1 ||
	bad "migrate back to SQLite: $(cat "$T/out3")"
views "$T/back.db" >"$T/v.back"
cmp -s "$T/v.src" "$T/v.back" && ok "PostgreSQL -> SQLite: the same again" ||
	{ bad "the SQLite copy differs:"; diff "$T/v.src" "$T/v.back" | head; }
[ "$(stat -c %a "$T/back.db")" = 600 ] && ok "the new SQLite store is 0600" ||
	bad "back.db mode $(stat -c %a "$T/back.db")"

# --- 4 -----------------------------------------------------------------------
"$CTL" migrate --from "$S" >"$T/u" 2>&1
[ $? = 2 ] && grep -q "\-\-to: required" "$T/u" && ok "usage: $(cat "$T/u")" ||
	bad "missing --to: $(cat "$T/u")"
"$CTL" migrate --from "$T/none.db" --to "$T/x.db" >"$T/u" 2>&1
[ $? = 1 ] && grep -q "no such file" "$T/u" && [ ! -e "$T/x.db" ] &&
	ok "no such source: $(cat "$T/u")" || bad "missing source: $(cat "$T/u")"
pg_as "$PG_BINDIR/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres hss2
"$CTL" migrate --from "$S" --to "postgresql://postgres:s3cr3t@127.0.0.1:$PG_PORT/hss2" \
	>"$T/pw" 2>&1 || bad "migrate with a password: $(cat "$T/pw")"
grep -q s3cr3t "$T/pw" && bad "the password was printed: $(cat "$T/pw")" ||
	ok "a password in the URI is not printed: $(cut -c1-80 "$T/pw")…"
[ "$FAILS" -eq 0 ] || exit 1
echo "hss-ctl migrate: all passed"
