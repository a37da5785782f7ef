#!/bin/bash
# Fills a PostgreSQL store with N subscribers in one statement per table
# (INSERT … SELECT generate_series), for the 1 M-subscriber figures of
# bench/README.md ("One hssd, SQLite vs PostgreSQL"): `hss-ctl import` adds
# them row by row, which takes minutes for 1,000,000.
#
# The rows are what `hss-ctl import` makes of bench/mar/lib.sh's CSV
# (IMSI BASE+i, IMPI IMSI@DOMAIN, IMPU sip:IMSI@DOMAIN, TS 35.208 set 1
# K/OPc): the first subscriber is imported by hss-ctl itself (which also
# creates the schema), every other row is a copy of its rows (subscriber,
# subscriber_sqn, impu) with only the identities changed, so every other
# column (algo, amf, sqn, res_len, auth_scheme, TUAK lengths, barred, irs,
# …) is exactly hss-ctl's. Then
# the script checks that a subscriber it made and one hss-ctl made read
# back alike through `hss-ctl show` (identities aside). The tables are then
# frozen and analysed and a checkpoint written, so a benchmark right after
# does not share the disk with autovacuum, hint-bit writes or the
# checkpoint of a 1 M-row load.
#
# usage: bench/pg/fill.sh BUILD_DIR URI N [IMSI_BASE] [DOMAIN]
#   defaults: IMSI_BASE 001010000000001, DOMAIN bench.test
# The store must be empty (a fresh database). Exit 0 filled and checked.
set -eu -o pipefail
case ${1:-} in -h | --help) . "$(dirname "$0")/../../tests/lib/common.sh" && script_usage; exit 0 ;; esac
BUILD=${1:?usage: fill.sh BUILD_DIR URI N [IMSI_BASE] [DOMAIN]}
URI=${2:?usage: fill.sh BUILD_DIR URI N [IMSI_BASE] [DOMAIN]}
N=${3:?usage: fill.sh BUILD_DIR URI N [IMSI_BASE] [DOMAIN]}
BASE=${4:-001010000000001} DOMAIN=${5:-bench.test}
CTL=$BUILD/bin/hss-ctl
case "$N$BASE" in *[!0-9]*) echo "fill.sh: N and IMSI_BASE: digits" >&2; exit 2 ;; esac
[ "$N" -ge 2 ] || { echo "fill.sh: N >= 2" >&2; exit 2; }
command -v psql >/dev/null || { echo "fill.sh: psql not found (apt-get install postgresql-client)" >&2; exit 1; }
W=${#BASE}
imsi() { printf "%0${W}d" $((10#$BASE + $1)); }
FIRST=$(imsi 0) LAST=$(imsi $((N - 1)))
K=465b5ce8b199b49faa5f0a2ee238a6bc OPC=cd63cb71954a9f4e48a5994e37a02baf
TMP=$(mktemp -d /tmp/pg-fill.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
printf 'imsi,impi,impu,k,opc\n%s,%s@%s,sip:%s@%s,%s,%s\n' "$FIRST" "$FIRST" "$DOMAIN" \
	"$FIRST" "$DOMAIN" "$K" "$OPC" >"$TMP/one.csv"
"$CTL" --db "$URI" import "$TMP/one.csv" >/dev/null
# The template: hss-ctl's subscriber and its IMPU(s); every column copied but
# id and the identities (the column lists are read from the catalogue, so a
# later schema step's columns are copied too).
cols() { # cols TABLE EXCLUDED... -> "a, b, c"
	local t=$1
	shift
	psql "$URI" -Atq -c "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position)
		FROM information_schema.columns WHERE table_schema = current_schema()
		AND table_name = '$t' AND column_name NOT IN ($(printf "'%s'," "$@" | sed 's/,$//'))"
}
SUBC=$(cols subscriber id imsi impi)
IMPUC=$(cols impu id subscriber_id uri)
# schema 9 keeps the SQN in subscriber_sqn, one row per subscriber
SQNC=$(cols subscriber_sqn subscriber_id)
T0=$(date +%s)
psql "$URI" -q -v ON_ERROR_STOP=1 <<SQL
BEGIN;
CREATE TEMP TABLE fill AS
	SELECT lpad(($((10#$BASE)) + g)::text, $W, '0') AS imsi FROM generate_series(1, $((N - 1))) g;
INSERT INTO subscriber (imsi, impi, $SUBC)
	SELECT f.imsi, f.imsi || '@$DOMAIN', $(echo "$SUBC" | sed "s/\([a-z_][a-z_0-9]*\)/t.\1/g")
	FROM fill f, (SELECT * FROM subscriber WHERE imsi = '$FIRST') t ORDER BY f.imsi;
INSERT INTO subscriber_sqn (subscriber_id, $SQNC)
	SELECT s.id, $(echo "$SQNC" | sed "s/\([a-z_][a-z_0-9]*\)/t.\1/g")
	FROM subscriber s, (SELECT q.* FROM subscriber_sqn q JOIN subscriber s0 ON s0.id = q.subscriber_id
			    WHERE s0.imsi = '$FIRST') t
	WHERE s.imsi <> '$FIRST' ORDER BY s.id;
INSERT INTO impu (subscriber_id, uri, $IMPUC)
	SELECT s.id, 'sip:' || s.imsi || '@$DOMAIN', $(echo "$IMPUC" | sed "s/\([a-z_][a-z_0-9]*\)/t.\1/g")
	FROM subscriber s, (SELECT i.* FROM impu i JOIN subscriber s0 ON s0.id = i.subscriber_id
			    WHERE s0.imsi = '$FIRST') t
	WHERE s.imsi <> '$FIRST' ORDER BY s.id;
COMMIT;
VACUUM (FREEZE, ANALYZE) subscriber, subscriber_sqn, impu;
CHECKPOINT;
SQL
echo "fill.sh: $N subscribers ($FIRST..$LAST) in $(($(date +%s) - T0)) s"
# hss-ctl's view of a filled subscriber must equal that of the imported one
# (identities replaced).
"$CTL" --db "$URI" show "$FIRST" | sed "s/$FIRST/IMSI/g" >"$TMP/a"
"$CTL" --db "$URI" show "$LAST" | sed "s/$LAST/IMSI/g" >"$TMP/b"
if [ ! -s "$TMP/a" ] || ! diff -u "$TMP/a" "$TMP/b"; then
	echo "fill.sh: subscriber $LAST differs from the one hss-ctl imported" >&2
	exit 1
fi
n=$(psql "$URI" -Atq -c "SELECT count(*) FROM subscriber s JOIN subscriber_sqn q ON q.subscriber_id = s.id
	JOIN impu i ON i.subscriber_id = s.id")
[ "$n" = "$N" ] || { echo "fill.sh: $n subscriber/IMPU pairs, expected $N" >&2; exit 1; }
echo "fill.sh: checked: hss-ctl show $LAST = hss-ctl show $FIRST (identities aside); $n IMPUs"
