#!/bin/bash
# sec-agree through the real IMS core: ue-sim registers with IPsec ESP
# (TS 33.203 §7) through Kamailio's P-CSCF (ims_ipsec_pcscf), I-CSCF and
# S-CSCF in front of hssd, on a kernel that has ESP.
#
# Host side (default): provisions the subscribers into a data dir, then
# runs `secagree.sh --guest` through tests/sctp/run-in-qemu.sh — natively
# when this kernel has ESP (a probe adds an ESP SA in a throwaway network
# namespace), else inside Debian's kernel under qemu with the ESP modules.
# The guest writes its capture to out/; back on the host, tshark verifies
# every ESP packet's ICV with IK_ESP derived from the capture's own nonce
# (aka-tool with K/OP: independent of ue-sim's key code), decodes the
# protected REGISTERs (NULL encryption; AES-CBC with CK_ESP) and checks that
# Security-Verify equals the Security-Server of the 401, and that UAR/UAA,
# MAR/MAA and SAR/SAA went by without a malformed packet.
#   secagree.sh --hssd P --hss-ctl P --ue-sim P --aka-tool P [--cache DIR]
#               [--scenarios DIR] [--save DIR] [--keep] [--recheck OUTDIR]
# --save DIR keeps the captures there (tests/pcaps/ims-core is made so);
# --recheck OUTDIR runs only the host's capture checks on a kept out/ dir.
# Guest side: --guest (the programs on PATH, the data in $SCTP_TEST_DATA).
#
# Network in the guest: the core (hssd, I-CSCF, S-CSCF, the P-CSCF's core
# side) on 127.0.0.1; the UE in a network namespace of its own at 10.45.0.2,
# wired by a veth pair to the P-CSCF at 10.45.0.1:5060 — UE and P-CSCF each
# need their own SA database, as two hosts have.
# exit: 0 pass, 1 fail, 2 usage, 77 skipped (why is printed).
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REALM=ims.mnc001.mcc001.3gppnetwork.org
IMSI=001010000000001
IMPI=$IMSI@$REALM
IMPU=sip:$IMSI@$REALM
# TS 35.208 test set 1.
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318
# One address per UE: the P-CSCF keys its registrations on the UE's
# address and port 5060 (Kamailio 5.6 wants the unprotected REGISTER from
# 5060), so each flow is a UE of its own.
UE_IPS="10.45.0.2 10.45.0.3 10.45.0.10 10.45.0.11 10.45.0.12 10.45.0.13 10.45.0.14"
UE_NET=10.45.0
P_IP=10.45.0.1
# The scenario files that make sense through a real core (docs/testing-interop.md),
# less resync: Kamailio 5.6's P-CSCF keeps the security set of a
# registration's first 401 and sends the final 200 through SAs that the 401
# after the AUTS replaced (the UE never gets it; the P-CSCF's kernel counts
# XfrmOutNoStates). resync runs through the chain without sec-agree (run.sh).
CORE_SCENARIOS="akav1-register resync unknown-user deregister reregister"
SECAGREE_SCENARIOS="akav1-register unknown-user deregister reregister"
# Kernel modules of Debian's package for ESP (xfrm_algo first: the others
# need it; there is no modules.dep in the guest), the default RNG the IV
# generators of AES-CBC need (drbg; ctr for its CTR variants), and the veth
# pair.
ESP_MODULES="net/xfrm/xfrm_algo net/xfrm/xfrm_user net/ipv4/esp4 crypto/authenc crypto/echainiv
	crypto/seqiv crypto/ctr crypto/drbg drivers/net/veth"

# ---- guest ------------------------------------------------------------------

ue() { nsenter -t "$UENS" -n "$@"; }

# The UE's namespace and the veth pair.
guest_net() {
	IPR=/usr/bin/ip
	[ -x "$IPR" ] || IPR=/sbin/ip
	$IPR link set lo up
	unshare -n sleep 100000 &
	UENS=$!
	sleep 0.2
	$IPR link add ve-core type veth peer name ve-ue &&
		$IPR link set ve-ue netns "$UENS" &&
		$IPR addr add "$P_IP/24" dev ve-core && $IPR link set ve-core up &&
		ue $IPR link set lo up && ue $IPR link set ve-ue up || return 1
	local a
	for a in $UE_IPS; do ue $IPR addr add "$a/24" dev ve-ue || return 1; done
}

# dumpcap on both sides; ready once a probe datagram made the file grow.
cap_start() {
	dumpcap -q -i ve-core -i lo -w "$1" >"$WORK/dumpcap.log" 2>&1 &
	CAP_PID=$!
	local size0=-1 t=300 size
	while [ $t -gt 0 ]; do
		kill -0 "$CAP_PID" 2>/dev/null || return 1
		size=$(stat -c %s "$1" 2>/dev/null || echo -1)
		[ "$size0" -ge 0 ] && [ "$size" -gt "$size0" ] && return 0
		[ "$size" -ge 0 ] && [ "$size0" -lt 0 ] && size0=$size
		echo probe >/dev/udp/127.0.0.1/9 2>/dev/null
		sleep 0.2
		t=$((t - 1))
	done
	return 1
}

cap_stop() {
	local size0 t=100
	size0=$(stat -c %s "$1")
	while [ $t -gt 0 ] && [ "$(stat -c %s "$1")" -le "$size0" ]; do
		echo probe >/dev/udp/127.0.0.1/9 2>/dev/null
		sleep 0.2
		t=$((t - 1))
	done
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

xfrm_count() { # WHAT: SAs (state) or policies in the UE's namespace
	ue $IPR xfrm "$1" 2>/dev/null | grep -c "^src"
}

# XFRM counters of both sides (XfrmInNoStates, XfrmInTmplMismatch ...):
# what the kernels dropped.
xfrm_stats() {
	echo "# xfrm drops $1: P-CSCF side: $(awk '$2 != 0 {printf "%s=%s ", $1, $2}' /proc/net/xfrm_stat)" \
		"UE side: $(ue awk '$2 != 0 {printf "%s=%s ", $1, $2}' /proc/net/xfrm_stat)"
}

# register UE_IP ALG EALG NAME: one registration with sec-agree, held 4 s
# then de-registered through the SAs; the SAs must exist meanwhile and be
# gone after.
guest_register() {
	local ip=$1 alg=$2 ealg=$3 name=$4 rc n
	ue ue-sim register --registrar "sip:$P_IP:5060" --bind "sip:$ip:5060" --impi "$IMPI" \
		--impu "$IMPU" --realm "$REALM" --k "$K" --op "$OP" --answer-delay 200 \
		--sec-agree --sec-alg "$alg" --sec-ealg "$ealg" --hold 8 --json \
		>"$OUT/$name.json" 2>"$OUT/$name.err" &
	local pid=$!
	# While registered (the JSON is printed at the 200), the four SAs.
	wait_file "$OUT/$name.json" 90
	n=$(xfrm_count state)
	[ "$n" -eq 4 ] && ok "$name: 4 SAs in the UE's kernel while registered" ||
		bad "$name: $n SAs in the UE's kernel while registered (want 4)"
	n=$(xfrm_count policy)
	[ "$n" -eq 4 ] && ok "$name: 4 policies" || bad "$name: $n policies (want 4)"
	{ echo "== UE"; ue $IPR -s xfrm state; ue $IPR xfrm policy; echo "== P-CSCF";
	  $IPR -s xfrm state; $IPR xfrm policy; } >"$OUT/$name-xfrm.txt" 2>&1
	wait "$pid"
	rc=$?
	echo "# $name: $(cat "$OUT/$name.json")"
	if [ $rc -eq 0 ] && grep -q '"status": *200' "$OUT/$name.json" &&
	   grep -q "\"alg\": *\"$alg\", *\"ealg\": *\"$ealg\"" "$OUT/$name.json"; then
		ok "$name: 200 OK through P-CSCF/I-CSCF/S-CSCF with $alg/$ealg ESP"
	else
		bad "$name: ue-sim exit $rc"; cat "$OUT/$name.err"
	fi
	xfrm_stats "$name"
	n=$(xfrm_count state)
	[ "$n" -eq 0 ] && ok "$name: SAs torn down after de-registration" ||
		bad "$name: $n SAs left in the UE's kernel"
	n=$(xfrm_count policy)
	[ "$n" -eq 0 ] && ok "$name: policies torn down" || bad "$name: $n policies left"
}

# Each scenario is a UE of its own (address .10, .11, ...).
guest_scenarios() {
	local n i=10 rc pass=0 fail=0
	for n in $SECAGREE_SCENARIOS; do
		ue ue-sim run "$SCTP_TEST_DATA/scenarios/$n.scn" --registrar "sip:$P_IP:5060" \
			--bind "sip:$UE_NET.$i:5060" --answer-delay 200 --timeout 30000 --sec-agree \
			--sec-alg hmac-sha-1-96 --sec-ealg null >"$OUT/scenario-$n.log" 2>&1
		rc=$?
		sed -n 's/^/# /; /PASS\|FAIL\|^#  /p' "$OUT/scenario-$n.log" | head -3
		if [ $rc -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
		i=$((i + 1))
	done
	echo "# scenarios with sec-agree: $pass passed, $fail failed" | tee "$OUT/scenarios.log"
	[ $fail -eq 0 ] && ok "scenarios with sec-agree: $pass passed" || bad "scenarios with sec-agree: $fail failed"
	xfrm_stats scenarios
}

guest() {
	# A network namespace of its own (natively: keep the host's untouched).
	if [ -z "${IMS_SECAGREE_NS:-}" ]; then
		IMS_SECAGREE_NS=1 exec unshare -n bash "$0" --guest
	fi
	# shellcheck source=chain.sh
	. "$HERE/chain.sh"
	OUT="$SCTP_TEST_DATA/out" WORK=/tmp/ims-chain
	mkdir -p "$OUT" "$WORK"
	echo "# kernel $(uname -r)"
	guest_net || { bad "cannot set up the UE's namespace and veth pair"; return 1; }
	chain_up "$WORK" "$(command -v hssd)" "$SCTP_TEST_DATA/hss.db" "$P_IP" 5060 0
	local rc=$?
	if [ $rc -ne 0 ]; then
		bad "the chain did not come up (exit $rc)"
		tail -20 "$WORK"/*.log
		return 1
	fi
	ok "P-CSCF, I-CSCF, S-CSCF up; both cdp peers open with hssd"
	if cap_start "$OUT/secagree.pcapng"; then
		guest_register $UE_NET.2 hmac-sha-1-96 null sha1-null
		guest_register $UE_NET.3 hmac-md5-96 aes-cbc md5-aes
		guest_scenarios
		cap_stop "$OUT/secagree.pcapng"
	else
		bad "dumpcap does not capture"; cat "$WORK/dumpcap.log"
	fi
	cp "$WORK"/*.log "$WORK"/*.cfg "$WORK/chain.env" "$OUT/" 2>/dev/null
	chain_down "$WORK"
	kill "$UENS" 2>/dev/null
	[ "$FAILS" -eq 0 ]
}

# ---- host -------------------------------------------------------------------

esp_probe() { # exit 0 when this kernel can hold an ESP SA
	unshare -n sh -c 'ip xfrm state add src 127.0.0.1 dst 127.0.0.1 proto esp spi 0x1000 mode transport auth "hmac(sha1)" 0x0000000000000000000000000000000000000000 enc cipher_null ""' 2>/dev/null
}

host_data() {
	local d=$1 f args
	"$HSSCTL" --db "$d/hss.db" add --imsi "$IMSI" --impi "$IMPI" --impu "$IMPU" \
		--impu tel:+15550000001 --k "$K" --op "$OP" >"$d/hss-ctl.log" 2>&1 ||
		{ bad "hss-ctl add"; cat "$d/hss-ctl.log"; return 1; }
	mkdir -p "$d/scenarios" "$d/tests/lib" "$d/tests/interop/ims-core"
	for f in $CORE_SCENARIOS; do
		cp "$SCN_DIR/$f.scn" "$d/scenarios/"
		while read -r -a args; do
			"$HSSCTL" --db "$d/hss.db" "${args[@]:1}" >>"$d/hss-ctl.log" 2>&1 ||
				{ bad "provisioning $f"; return 1; }
		done < <(grep '^hss-ctl add ' "$SCN_DIR/$f.scn")
	done
	cp "$HERE/../../lib/common.sh" "$d/tests/lib/"
	cp "$HERE"/*.in "$HERE"/*.sh "$d/tests/interop/ims-core/"
}

# The programs and files the guest needs, as run-in-qemu.sh arguments.
host_files() {
	local mp m
	mp="$(chain_mpath)"
	VMARGS=(--bin "$HSSD" --bin "$HSSCTL" --bin "$UESIM" --bin "$(command -v kamailio)"
		--bin "$(command -v kamcmd)" --bin "$(command -v dumpcap)" --bin "$(command -v bash)"
		--file "$(readlink -f "$(command -v ip)")" --file /etc/protocols)
	for m in tm tmx sl pv xlog kex maxfwd textops siputils ctl rr path db_text cdp cdp_avp \
		presence ims_dialog ims_usrloc_scscf ims_registrar_scscf ims_auth ims_icscf \
		ims_usrloc_pcscf ims_ipsec_pcscf ims_registrar_pcscf; do
		VMARGS+=(--file "$mp$m.so")
	done
	[ -f /usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd ] &&
		VMARGS+=(--file /usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd)
	for m in $ESP_MODULES; do VMARGS+=(--module "$m"); done
}

# The SAs of every challenge in the capture, as tshark esp_sa entries in
# TS_OPTS: SPIs and ports from the 401's Security-Server and the
# Security-Client of the REGISTER it challenged (same Call-ID and CSeq), IK
# (and CK) from the 401's nonce with aka-tool and K/OP — independent of
# ue-sim's key code. A 401 to a protected request is itself protected: the
# SAs found so far decode the next ones (NULL encryption is read by tshark's
# heuristic, AES-CBC once its key is known), until no new 401 shows up.
# Newest first: a UE that answered a resync offered the same SPIs twice,
# and the later keys are the ones in use.
host_esp_opts() {
	local cap=$1 pass prev=-1 n
	TS_OPTS=(-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE
		-o esp.enable_null_encryption_decode_heuristic:TRUE)
	for pass in 1 2 3 4 5; do
		tshark -r "$cap" "${TS_OPTS[@]}" \
			-Y "sip.Status-Code == 401 && ip.dst == $UE_NET.0/24 && sip.Security-Server" \
			-T fields -E separator=/t -e frame.number -e sip.Call-ID -e sip.CSeq.seq \
			-e sip.auth.nonce -e sip.Security-Server -e ip.dst 2>/dev/null |
			sort -t$'\t' -k1,1nr | awk -F'\t' '!seen[$2 FS $3]++' >"$HWORK/challenges.tsv"
		n=$(wc -l <"$HWORK/challenges.tsv")
		[ "$n" -eq "$prev" ] && break
		prev=$n
		tshark -r "$cap" "${TS_OPTS[@]}" -Y "sip.Method == REGISTER && ip.src == $UE_NET.0/24 && sip.Security-Client" \
			-T fields -E separator=/t -e sip.Call-ID -e sip.CSeq.seq -e ip.src -e sip.Security-Client \
			2>/dev/null >"$HWORK/registers.tsv"
		host_esp_entries "$cap"
	done
	echo "# $n challenges with Security-Server in the capture (SAs from $pass decoding passes)"
}

host_esp_entries() {
	local cap=$1 frame cid cseq nonce server ue_ip entries=()
	while IFS=$'\t' read -r frame cid cseq nonce server ue_ip; do
		local client ck ik alg ealg aauth aenc akey ekey spi_pc spi_ps spi_uc spi_us keys
		client=$(awk -F'\t' -v c="$cid" -v q="$cseq" -v i="$ue_ip" \
			'$1 == c && $2 == q && $3 == i { print $4; exit }' "$HWORK/registers.tsv")
		[ -n "$client" ] || continue # its request is not decodable yet
		keys=$("$AKATOOL" nonce decode "${nonce//\"/}" --k "$K" --op "$OP" --json)
		ck=$(sed -n 's/.*"ck": *"\([0-9a-f]*\)".*/\1/p' <<<"$keys")
		ik=$(sed -n 's/.*"ik": *"\([0-9a-f]*\)".*/\1/p' <<<"$keys")
		[ -n "$ik" ] || { bad "aka-tool cannot derive IK from nonce $nonce"; continue; }
		alg=$(sed -n 's/.*[;]alg=\([a-z0-9-]*\).*/\1/p' <<<"$server")
		ealg=$(sed -n 's/.*ealg=\([a-z0-9-]*\).*/\1/p' <<<"$server")
		case "$alg" in
		hmac-sha-1-96) aauth="HMAC-SHA-1-96 [RFC2404]" akey="0x${ik}00000000" ;; # Annex I
		*) aauth="HMAC-MD5-96 [RFC2403]" akey="0x$ik" ;;
		esac
		case "$ealg" in
		aes-cbc) aenc="AES-CBC [RFC3602]" ekey="0x$ck" ;;
		*) aenc="NULL" ekey="" ;;
		esac
		spi_pc=$(sed -n 's/.*spi-c=\([0-9]*\).*/\1/p' <<<"$server")
		spi_ps=$(sed -n 's/.*spi-s=\([0-9]*\).*/\1/p' <<<"$server")
		spi_uc=$(sed -n 's/.*spi-c=\([0-9]*\).*/\1/p' <<<"${client%%,*}")
		spi_us=$(sed -n 's/.*spi-s=\([0-9]*\).*/\1/p' <<<"${client%%,*}")
		for spec in "$ue_ip $P_IP $spi_ps" "$ue_ip $P_IP $spi_pc" "$P_IP $ue_ip $spi_uc" "$P_IP $ue_ip $spi_us"; do
			set -- $spec
			entries+=(-o "uat:esp_sa:\"IPv4\",\"$1\",\"$2\",\"$(printf '0x%08x' "$3")\",\"$aenc\",\"$ekey\",\"$aauth\",\"$akey\"")
		done
		echo "$frame $ue_ip $alg/$ealg SPIs uc $spi_uc us $spi_us pc $spi_pc ps $spi_ps" >>"$HWORK/sas.txt"
	done <"$HWORK/challenges.tsv"
	TS_OPTS=(-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE
		-o esp.enable_null_encryption_decode_heuristic:TRUE "${entries[@]}")
}

# dumpcap writes the packets of its two interfaces in the order it reads
# their buffers, not in time order (under TCG a 401 on the veth can land
# after the next exchange on lo). The checks below pick "the latest 401
# before" by frame number, so they read a copy in time order (reordercap,
# wireshark-common); the capture itself is kept as dumpcap wrote it
# (ims-trace orders by time itself, and e2e/ims-trace reads it so).
host_check() {
	local cap="$HWORK/ordered.pcapng" n hp res
	n=$(reordercap "$1" "$cap" 2>&1) || { bad "reordercap: $n"; return 1; }
	echo "# capture $1 ($n; checked in time order)"
	host_esp_opts "$cap"
	sort -u "$HWORK/sas.txt" | sort -n | sed 's/^/# SA set keyed by the 401 in frame /'
	# One decoding pass with the SAs and Cx on hssd's port (in the guest's
	# chain.env); every check below reads its table.
	hp=$(sed -n 's/^HSS_PORT=//p' "$OUTD/chain.env" 2>/dev/null)
	tshark -r "$cap" -d "tcp.port==${hp:-3868},diameter" "${TS_OPTS[@]}" -T fields -E separator=/t \
		-E occurrence=a -E aggregator='|' -e frame.number -e esp.spi -e esp.icv_good -e ip.src \
		-e ip.dst -e sip.Method -e sip.Status-Code -e esp.iv -e _ws.malformed -e diameter.cmd.code \
		-e diameter.flags.request -e sip.Call-ID -e sip.Security-Server -e sip.Security-Verify \
		2>/dev/null >"$HWORK/all.tsv"
	# 1 frame 2 spi 3 icv_good 4 src 5 dst 6 method 7 status 8 iv 9 malformed
	# 10 cmd codes 11 request flags 12 Call-ID 13 Security-Server 14 Security-Verify
	res=$(awk -F'\t' -v p="$P_IP" '
		$2 != "" { esp++; if ($3 == "1") good++; else { badl = badl " " $1 }
			sip = $12 != ""
			if ($3 == "1" && sip && $5 == p) in_p++
			if ($3 == "1" && sip && $4 == p) out_p++
			if ($3 == "1" && sip && $8 != "") aes++ }
		END { printf "%d %d %d %d %d%s", esp, good, in_p, out_p, aes, badl }' "$HWORK/all.tsv")
	set -- $res
	if [ "$1" -gt 0 ] && [ "$2" -eq "$1" ]; then
		ok "ESP: all $1 packets carry an ICV that verifies with IK_ESP from the nonce (tshark)"
	else
		bad "ESP: $1 packets, $2 with a verified ICV; not verified in frames ${res#* * * * * }"
	fi
	# Both directions protected: requests UE -> P-CSCF, responses back.
	[ "$3" -gt 0 ] && ok "ESP (to the P-CSCF): $3 SIP messages decoded from verified ESP" ||
		bad "ESP (to the P-CSCF): no SIP inside verified ESP"
	[ "$4" -gt 0 ] && ok "ESP (from the P-CSCF): $4 SIP messages decoded from verified ESP" ||
		bad "ESP (from the P-CSCF): no SIP inside verified ESP"
	[ "$5" -gt 0 ] && ok "ESP with AES-CBC: $5 SIP messages decrypted with CK_ESP" ||
		bad "ESP with AES-CBC: nothing decrypted"
	# RFC 3329 §2.3.1: a protected REGISTER's Security-Verify is the
	# Security-Server of the latest 401 of its dialog (frames in time order).
	res=$(awk -F'\t' '
		$7 == "401" && $13 != "" { srv[$12] = $13; next }
		$2 != "" && $6 == "REGISTER" {
			if ($14 == "") nov++; else if ($14 == srv[$12]) same++
			else { diff++; print "# " $1 ": Verify " $14 " / Server " srv[$12] > "/dev/stderr" } }
		END { printf "%d %d %d", same, diff, nov }' "$HWORK/all.tsv")
	set -- $res
	[ "$1" -gt 0 ] && [ "$2" -eq 0 ] && ok "$1 protected REGISTERs: Security-Verify = the Security-Server of the latest 401" ||
		bad "Security-Verify: $1 equal to the latest Security-Server, $2 not"
	[ "$3" -eq 0 ] && ok "every protected REGISTER carries Security-Verify" ||
		bad "$3 protected REGISTER(s) without Security-Verify"
	# Cx of the chain: requests and answers of each command (a segment may
	# hold several messages: codes and flags are lists).
	local cmd
	for cmd in "300 UAR/UAA" "303 MAR/MAA" "301 SAR/SAA"; do
		set -- $cmd
		res=$(awk -F'\t' -v c="$1" '$10 != "" { n = split($10, k, "|"); split($11, r, "|"); q = a = 0
			for (i = 1; i <= n; i++) if (k[i] == c) { if (r[i] == "1") q = 1; else a = 1 }
			rq += q; an += a } END { printf "%d %d", rq, an }' "$HWORK/all.tsv")
		set -- $res "$2"
		[ "$1" -gt 0 ] && [ "$2" -gt 0 ] && ok "capture: $3 ($1 requests, $2 answers)" ||
			bad "capture: no $3 ($1 requests, $2 answers)"
	done
	n=$(awk -F'\t' '$9 != ""' "$HWORK/all.tsv" | wc -l)
	[ "$n" -eq 0 ] && ok "no malformed packet (Diameter, SIP, ESP)" || bad "$n malformed packet(s)"
}

host() {
	HSSD="" HSSCTL="" UESIM="" AKATOOL="" CACHE="$PWD/sctp-qemu-cache" SCN_DIR="" SAVE="" KEEP=0 RECHECK=""
	parse_opts '
		--hssd      HSSD    exe
		--hss-ctl   HSSCTL  exe
		--ue-sim    UESIM   exe
		--aka-tool  AKATOOL exe
		--cache     CACHE
		--scenarios SCN_DIR
		--save      SAVE
		--keep      KEEP    flag=1
		--recheck   RECHECK' "$@"
	[ -n "$SCN_DIR" ] || SCN_DIR="$HERE/../../../scenarios"
	. "$HERE/chain.sh"
	chain_mpath >/dev/null || { echo "skipped: Kamailio IMS modules not installed"; exit 77; }
	for t in kamailio kamcmd dumpcap tshark; do
		command -v $t >/dev/null || { echo "skipped: $t not installed"; exit 77; }
	done
	[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root (network namespaces, XFRM)"; exit 77; }
	HWORK="$(mktemp -d /tmp/ims-secagree.XXXXXX)"
	: >"$HWORK/sas.txt"
	if [ -n "$RECHECK" ]; then # only the host's capture checks, on a kept out/ dir
		OUTD="$RECHECK"
		host_check "$OUTD/secagree.pcapng"
		exit $((FAILS > 0))
	fi
	trap '[ "$KEEP" -eq 1 ] && echo "kept: $HWORK" || rm -rf "$HWORK"' EXIT
	mkdir -p "$HWORK/data" "$HWORK/out"
	host_data "$HWORK/data" || exit 1
	host_files
	OUTD="$HWORK/out"
	# 200 s for the whole guest run: one boot, the chain, two registrations,
	# five scenarios (TCG runs Kamailio slowly).
	"$HERE/../../sctp/run-in-qemu.sh" --cache "$CACHE" --timeout 300 --mem 1024 \
		--probe "$(declare -f esp_probe); esp_probe" "${VMARGS[@]}" \
		--data "$HWORK/data" --out "$OUTD" -- 'bash "$SCTP_TEST_DATA/tests/interop/ims-core/secagree.sh" --guest'
	local rc=$?
	[ $rc -eq 77 ] && exit 77
	[ $rc -ne 0 ] && bad "the guest's checks failed (exit $rc)"
	if [ -s "$OUTD/secagree.pcapng" ]; then
		host_check "$OUTD/secagree.pcapng"
		[ -n "$SAVE" ] && mkdir -p "$SAVE" && cp "$OUTD/secagree.pcapng" "$SAVE/chain-secagree.pcapng"
	else
		bad "no capture came back from the guest"
	fi
	[ "$FAILS" -eq 0 ] && { echo "sec-agree through the IMS core: passed"; exit 0; }
	echo "sec-agree through the IMS core: FAILED ($FAILS check(s))"
	exit 1
}

# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
if [ "${1:-}" = "--guest" ]; then
	guest
	exit $?
fi
host "$@"
