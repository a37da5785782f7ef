#!/bin/sh
# hss-ctl's command line as a new user meets it (issue 17): --db after the
# command name, one error line per bad option (not getopt's as well).
#   hss-ctl.sh BIN_DIR
. "$(dirname "$0")/../../lib/common.sh"
CTL=$1/hss-ctl
need_exe "$CTL" hss-ctl
T=$(mktemp -d /tmp/cli-hss-ctl.XXXXXX)
trap 'rm -rf "$T"' EXIT

ctl_expect 0 "" --db "$T/a.db" add --imsi 001010000000001 \
	--impi 001010000000001@ims.mnc001.mcc001.3gppnetwork.org \
	--impu sip:001010000000001@ims.mnc001.mcc001.3gppnetwork.org \
	--k 465b5ce8b199b49faa5f0a2ee238a6bc --op cdc202d5123e20f62b6d676ac72cb318
# --db after the command is the same global option
ctl_expect 0 "" list --db "$T/a.db"
grep -q 001010000000001 "$T/out" && ok "list --db FILE lists the subscriber" ||
	bad "list --db FILE: $(cat "$T/out")"
ctl_expect 0 "" show 001010000000001 --db="$T/a.db" --json
grep -q '"imsi": "001010000000001"' "$T/out" && ok "show IMSI --db=FILE" || bad "show: $(cat "$T/out")"
ctl_expect 2 "^hss-ctl: --db: given twice" --db "$T/a.db" list --db "$T/b.db"
ctl_expect 2 "^hss-ctl: --db: missing FILE$" list --db
# one line per bad option, ours (getopt's own "unrecognized option" is gone)
ctl_expect 2 "^hss-ctl: unknown option or missing value: --bogus$" --bogus list
ctl_expect 2 "^hss-ctl: list: unknown option or missing value: --bogus$" --db "$T/a.db" list --bogus
ctl_expect 2 "^hss-ctl: add: unknown option or missing value: --k$" --db "$T/a.db" add --k
ctl_expect 2 "unknown option or missing value: --bogus$" --db "$T/a.db" apn add --bogus
# an option given twice is refused, not silently the last
ctl_expect 2 "^hss-ctl: --k: given twice$" --db "$T/a.db" add --imsi 001010000000002 \
	--impi 2@ims.test --impu sip:2@ims.test --k 465b5ce8b199b49faa5f0a2ee238a6bc \
	--k 465b5ce8b199b49faa5f0a2ee238a6bd --op cdc202d5123e20f62b6d676ac72cb318
# a prefix of a long option is refused, not taken for the option it starts
ctl_expect 2 "^hss-ctl: '--ims' is not an option (did you mean --imsi?" --db "$T/a.db" add --ims 001010000000009
[ "$FAILS" -eq 0 ]
