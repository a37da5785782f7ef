# Helpers of the metrics e2e scripts (sourced after tests/lib/common.sh).
# shellcheck shell=sh

# metric FILE SERIES: the value of one exact series line of a scrape
# ('hssd_fault_rules', 'x_total{command="MAR",result="2001"}'); empty if none.
metric() {
	awk -v s="$2" 'substr($0, 1, length(s) + 1) == s " " { print $2; exit }' "$1"
}

# metric_sum FILE PREFIX: the sum of every series line starting with PREFIX
# ('hssd_diameter_requests_total{command="MAR"'); 0 when none.
metric_sum() {
	awk -v p="$2" 'index($0, p) == 1 { t += $NF } END { printf "%d\n", t }' "$1"
}

# scrape PORT FILE: GET /metrics; 0 when HTTP 200 with a body.
scrape() {
	curl -sS --max-time 5 -o "$2" -w '%{http_code}' "http://127.0.0.1:$1/metrics" 2>/dev/null |
		grep -qx 200 && [ -s "$2" ]
}

# users_csv FILE N BASE: N subscribers (IMSI BASE+i, TS 35.208 set 1 keys).
users_csv() {
	awk -v n="$2" -v base="$3" -v realm="ims.mnc001.mcc001.3gppnetwork.org" 'BEGIN {
		print "imsi,impi,impu,k,op,opc,amf,sqn,algo,password,scheme"
		for (i = 0; i < n; i++) {
			imsi = sprintf("%015.0f", base + i)
			printf "%s,%s@%s,sip:%s@%s,465b5ce8b199b49faa5f0a2ee238a6bc,,cd63cb71954a9f4e48a5994e37a02baf,8000,,,,\n", imsi, imsi, realm, imsi, realm
		}
	}' >"$1"
}
