#!/bin/sh
# e2e for the S6a commands of hss-ctl (docs/hss-s6a.md): usage: ctl.sh PATH/TO/hss-ctl
# Exit codes (0 ok, 1 failed check, 2 bad usage), one-line errors naming the
# argument, show/--json with the APN profile, --update changing only what is
# given, IDR queued only for a subscriber served by an MME.
set -u
# shellcheck source=../../lib/common.sh
. "$(dirname "$0")/../../lib/common.sh"
CTL=${1:-}
need_exe "$CTL" hss-ctl
T=$(mktemp -d /tmp/s6a-ctl-e2e.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
DB=$T/hss.db
IMSI=001010000000001

# expect CODE PATTERN ARGS...: `hss-ctl --db DB ARGS` exit code, and
# (PATTERN not empty) one stderr line matching PATTERN (tests/lib/common.sh).
expect() {
	_w=$1 _pt=$2
	shift 2
	ctl_expect "$_w" "$_pt" --db "$DB" "$@"
}
has() { grep -q -- "$1" "$T/out" || bad "output lacks '$1': $(cat "$T/out")"; }

expect 0 "" add --imsi $IMSI --impi $IMSI@ims.test --impu sip:$IMSI@ims.test \
	--k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf
# the demo provisioning
expect 0 "" apn add internet --pdn-type ipv4v6 --qci 9 --arp-priority 8
expect 0 "" apn add ims --pdn-type ipv4v6 --qci 5 --arp-priority 1
expect 0 "" apn assign $IMSI internet --default
expect 0 "" apn assign $IMSI ims
has "assigned apn ims"
grep -q IDR "$T/out" && bad "IDR queued without a serving MME"
expect 0 "" set-eps $IMSI --msisdn 15550000001 --ambr-ul 50000000 --ambr-dl 100000000
expect 0 "" show $IMSI
has "msisdn:    15550000001"
has "apn:       internet ctx=1 (default) ipv4v6 qci=9 arp=8"
has "apn:       ims ctx=2 ipv4v6 qci=5 arp=1"
expect 0 "" show $IMSI --json
has '"eps": {"msisdn": "15550000001"'
has '"name": "ims", "pdn_type": "ipv4v6", "qci": 5'
expect 0 "" apn list --json
has '"apns": \[{"name": "ims"'
# --update changes only what is given
expect 0 "" apn add ims --update --arp-priority 2
has "updated apn ims: ipv4v6, qci 5, arp 2"

# bad usage: exit 2, one line naming the argument
expect 2 "--qci" apn add voice --qci 0
expect 2 "--pdn-type" apn add voice --pdn-type ipv5
expect 2 "--preempt-cap" apn add voice --preempt-cap maybe
expect 2 "NAME" apn add "no spaces"
expect 2 "already exists" apn add ims
expect 2 "--static-ip" apn assign $IMSI ims --static-ip 10.0.0.300
expect 2 "--context-id" apn assign $IMSI ims --context-id 1
expect 2 "--msisdn" set-eps $IMSI --msisdn +1555
expect 2 "--network-access-mode" set-eps $IMSI --network-access-mode circuit
expect 2 "apn" apn frobnicate
expect 2 "missing" set-eps
# failed checks: exit 1
expect 1 "no subscriber" apn assign 001019999999999 ims
expect 1 "not found" apn assign $IMSI nosuch
expect 1 "not found" apn add nosuch --update
expect 1 "not found" apn unassign $IMSI nosuch
# nothing half-written: the failed assign left the profile as it was
expect 0 "" show $IMSI
has "apn:       ims ctx=2 ipv4v6 qci=5 arp=2"
# help
expect 0 "" apn --help
has "apn assign IMPI|IMSI NAME"
expect 0 "" set-eps --help
has "set-eps IMPI|IMSI"
"$CTL" --help | grep -q "apn add NAME" || bad "--help does not list apn"

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS failure(s)"
	exit 1
fi
echo "ok: hss-ctl S6a commands"
