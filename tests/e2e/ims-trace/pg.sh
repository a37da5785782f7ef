#!/bin/sh
# ims-trace --db on a real PostgreSQL (issue 11 item 1): the same verdicts
# as with the SQLite store.
#   1. the same subscribers provisioned with hss-ctl into an SQLite file and
#      into PostgreSQL (postgresql:// and postgres://): ims-trace on the
#      committed captures (SIP by IMPI, S6a by IMSI, TUAK, OP stored as OPc,
#      an identity not in the store) gives the same exit status and the same
#      --json, but for the store's name;
#   2. read-only: a PostgreSQL role that may only SELECT is enough, and the
#      store is as it was (no SQN moved, schema version kept);
#   3. a store of an older schema version: one line, exit 2, not upgraded;
#   4. PostgreSQL unreachable (nothing on the port; the server stopped):
#      one line on stderr naming the store (no password), exit 2, nothing on
#      stdout, with and without --json.
#   pg.sh IMS_TRACE HSS_CTL PCAPS_DIR
# Exit 0 pass, 1 fail, 77 PostgreSQL not installed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
# shellcheck source=../../lib/pg.sh
. "$HERE/../../lib/pg.sh"
TRACE=${1:-} CTL=${2:-} PCAPS=${3:-}
need_exe "$TRACE" ims-trace
need_exe "$CTL" hss-ctl
T=$(mktemp -d /tmp/trace-pg.XXXXXX)
trap 'pg_stop; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
PG_FAST=1 pg_start "$T" || { bad "PostgreSQL did not start"; exit 1; }
pg_as "$PG_BINDIR/createdb" -h "$PG_DIR" -p "$PG_PORT" -U postgres swap ||
	{ bad "createdb swap"; exit 1; }
PG_SWAP="postgres://postgres@127.0.0.1:$PG_PORT/swap"
K1=465b5ce8b199b49faa5f0a2ee238a6bc OP1=cdc202d5123e20f62b6d676ac72cb318
R=ims.mnc001.mcc001.3gppnetwork.org

# The subscribers of e2e/ims-trace/verdicts, the same in every store.
provision() { # STORE
	"$CTL" --db "$1" add --imsi 001010000000001 --impi 001010000000001@$R \
		--impu sip:001010000000001@$R --k $K1 --op $OP1 >/dev/null &&
	"$CTL" --db "$1" add --imsi 001010000000151 --impi 001010000000151@$R \
		--impu sip:001010000000151@$R --algo tuak \
		--k 1574ca56881d05c189c82880f789c9cd4244955f4426aa2b69c29f15770e5aa5 \
		--top e59f6eb10ea406813f4991b0b9e02f181edf4c7e17b480f66d34da35ee88c95e \
		--iterations 2 --res-len 16 >/dev/null
}
provision_swap() { # STORE: OP given as OPc, the classic mistake
	"$CTL" --db "$1" add --imsi 001010000000001 --impi 001010000000001@$R \
		--impu sip:001010000000001@$R --k $K1 --opc $OP1 >/dev/null
}
provision "$T/good.sqlite" && provision "$PG_URI" || { bad "hss-ctl add"; exit 1; }
provision_swap "$T/swap.sqlite" && provision_swap "$PG_SWAP" || { bad "hss-ctl add (swap)"; exit 1; }
sqns() { pg_psql "SELECT s.impi, q.sqn FROM subscriber s JOIN subscriber_sqn q ON q.subscriber_id = s.id ORDER BY s.id"; }
sqns >"$T/sqn.before"

# --- 1 -----------------------------------------------------------------------
# same CAPTURE SQLITE PG WANT_EXIT: both runs exit WANT_EXIT with the same
# --json once each store's name is replaced by STORE
same() {
	"$TRACE" --json --db "$2" "$PCAPS/$1" >"$T/a.json" 2>"$T/a.err"; a=$?
	"$TRACE" --json --db "$3" "$PCAPS/$1" >"$T/b.json" 2>"$T/b.err"; b=$?
	if [ "$a" != "$4" ] || [ "$b" != "$4" ]; then
		bad "$1: exit $a (SQLite) and $b (PostgreSQL), want $4: $(cat "$T/a.err" "$T/b.err")"
		return
	fi
	if $PY - "$T/a.json" "$2" "$T/b.json" "$3" <<'PY'
import json, sys
def load(path, store):
    return json.loads(open(path).read().replace(json.dumps(store)[1:-1], "STORE"))
a, b = load(sys.argv[1], sys.argv[2]), load(sys.argv[3], sys.argv[4])
assert a == b, "the verdicts differ"
assert "STORE" in json.dumps(a), "no keys from the store"
print(a["result"], sorted({f["kind"] for f in a["findings"]}))
PY
	then ok "$1: the same verdict from SQLite and PostgreSQL (exit $4)"
	else bad "$1: SQLite and PostgreSQL verdicts differ"; diff "$T/a.json" "$T/b.json" | head -20
	fi
}
same good.pcap "$T/good.sqlite" "$PG_URI" 0
same s6a_resync_sctp.pcap "$T/good.sqlite" "$PG_URI" 0
same tuak_resync.pcap "$T/good.sqlite" "$PG_URI" 0
same op_opc_swap.pcap "$T/swap.sqlite" "$PG_SWAP" 1
grep -q "the OPc value treated as OP" "$T/b.json" &&
	ok "op_opc_swap.pcap: OP stored as OPc found on PostgreSQL" ||
	bad "op_opc_swap.pcap: the swap is not named with PostgreSQL"
# one identity of the capture is in the store, another is not
same ipv6_tcp_multi.pcapng "$T/good.sqlite" "$PG_URI" 0
grep -q "no keys for 001010000000002@" "$T/b.json" && ok "ipv6_tcp_multi.pcapng: an identity not in the store named" ||
	bad "ipv6_tcp_multi.pcapng: 'no keys for' missing"

# --- 2 -----------------------------------------------------------------------
pg_psql "CREATE ROLE reader LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader" >/dev/null
"$TRACE" --db "postgresql://reader@127.0.0.1:$PG_PORT/hss" "$PCAPS/good.pcap" >"$T/r.txt" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "verifies with the keys of postgresql://reader@" "$T/r.txt" &&
	ok "a role that may only SELECT reads the keys" ||
	bad "SELECT-only role: exit $rc: $(head -3 "$T/r.txt")"
sqns >"$T/sqn.after"
cmp -s "$T/sqn.before" "$T/sqn.after" && ok "no SQN moved" || bad "SQNs changed: $(cat "$T/sqn.after")"

# --- 3 -----------------------------------------------------------------------
v=$(pg_psql "SELECT max(version) FROM hss_schema")
pg_psql "UPDATE hss_schema SET version = $((v - 1))" >/dev/null
"$TRACE" --db "$PG_URI" "$PCAPS/good.pcap" >"$T/o.out" 2>"$T/o.err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/o.err")" = 1 ] && [ ! -s "$T/o.out" ] &&
	grep -q "schema version $((v - 1)) is older than $v" "$T/o.err" &&
	[ "$(pg_psql "SELECT max(version) FROM hss_schema")" = $((v - 1)) ] &&
	ok "older schema: $(cat "$T/o.err")" || bad "older schema: exit $rc: $(cat "$T/o.err")"
pg_psql "UPDATE hss_schema SET version = $v" >/dev/null

# --- 4 -----------------------------------------------------------------------
unreachable() { # NAME URI SHOWN
	for j in "" --json; do
		# shellcheck disable=SC2086 # $j: no option or one
		"$TRACE" $j --db "$2" "$PCAPS/good.pcap" >"$T/u.out" 2>"$T/u.err"
		rc=$?
		if [ $rc = 2 ] && [ "$(wc -l <"$T/u.err")" = 1 ] && [ ! -s "$T/u.out" ] &&
			grep -qF "ims-trace: --db $3: " "$T/u.err" && ! grep -q s3cr3t "$T/u.err"; then
			ok "$1${j:+ ($j)}: $(cat "$T/u.err")"
		else
			bad "$1${j:+ ($j)}: exit $rc, stdout $(wc -c <"$T/u.out") bytes: $(cat "$T/u.err")"
		fi
	done
}
port=$(free_port)
unreachable "nothing on the port" "postgresql://hss:s3cr3t@127.0.0.1:$port/hss" \
	"postgresql://hss:***@127.0.0.1:$port/hss"
pg_stop
unreachable "PostgreSQL stopped" "$PG_URI" "$PG_URI"

[ "$FAILS" -eq 0 ] || exit 1
echo "ims-trace on PostgreSQL: all passed"
