#!/bin/bash
# chain.sh — stand up a real IMS core on loopback: Kamailio P-CSCF, I-CSCF
# and S-CSCF (Debian kamailio + kamailio-ims-modules 5.6) in front of hssd.
#
#   UE --SIP--> P-CSCF --> I-CSCF --UAR/LIR--> hssd
#                             |                 ^
#                             +--> S-CSCF --MAR/SAR--+
#
# usage: chain.sh up   --work DIR --hssd PATH [options]   start, print the
#                                                         ports, return
#        chain.sh down --work DIR                         stop what `up` started
#        chain.sh env  --work DIR                         print DIR/chain.env
# options of `up`:
#   --db FILE         hssd's store (default DIR/hss.db; provision it with
#                     hss-ctl --db FILE add ... before or after `up`)
#   --pcscf-ip IP     the P-CSCF's UE-side address (default 127.0.0.1); the
#                     core side is always 127.0.0.1
#   --pcscf-port N    its SIP port (default: a free one); I-CSCF, S-CSCF,
#                     hssd and cdp always take free loopback ports
#   --realm REALM     the home network domain (default
#                     ims.mnc001.mcc001.3gppnetwork.org; a real SIM's is
#                     ims.mncMNC.mccMCC.3gppnetwork.org, MNC in 3 digits)
#   --debug           Kamailio debug logs
# A UE that offers sec-agree (Security-Client: ipsec-3gpp) gets IPsec ESP
# SAs from the P-CSCF (ims_ipsec_pcscf): that needs a kernel with ESP.
# DIR/chain.env then holds PCSCF, ICSCF, SCSCF (sip:IP:PORT), HSS_PORT, the
# PIDs and REALM; the logs are DIR/{hssd,pcscf,icscf,scscf}.log.
# Exit: 0 up (every cdp peer open with hssd), 1 a part did not start,
# 2 bad usage, 77 Kamailio or its IMS modules are not installed.
#
# Sourced (`. chain.sh`), it only defines the chain_* functions for the
# tests (tests/interop/ims-core/run.sh).
HERE_CHAIN="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../lib/common.sh
. "$HERE_CHAIN/../../lib/common.sh" # free_port, wait_for, start_hssd, ...

CHAIN_REALM=${CHAIN_REALM:-ims.mnc001.mcc001.3gppnetwork.org}

chain_mpath() {
	local d
	for d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules; do
		[ -f "$d/ims_icscf.so" ] && [ -f "$d/ims_registrar_pcscf.so" ] && { echo "$d/"; return 0; }
	done
	return 1
}

# A free port that none of the names given holds yet (free_port alone may
# repeat: it only looks at what is bound now).
chain_port() {
	local p taken
	while :; do
		p="$(free_port)" || return 1
		taken=0
		for v in "$@"; do [ "$p" = "$v" ] && taken=1; done
		[ "$taken" -eq 0 ] && { echo "$p"; return 0; }
	done
}

# The P-CSCF's protected ports: C_IPSEC_MAX client ports from C_IPSEC_PC and
# as many server ports from C_IPSEC_PS, all free and clear of the others.
C_IPSEC_MAX=40
chain_ipsec_ports() {
	local base i ok
	for _ in $(seq 100); do
		base="$(chain_port "$@")" || return 1
		ok=1
		for i in $(seq 0 $((2 * C_IPSEC_MAX - 1))); do
			port_in_use $((base + i)) && ok=0
			for v in "$@"; do [ $((base + i)) = "$v" ] && ok=0; done
		done
		[ "$ok" -eq 1 ] && [ $((base + 2 * C_IPSEC_MAX)) -lt 65536 ] && {
			C_IPSEC_PC=$base C_IPSEC_PS=$((base + C_IPSEC_MAX))
			return 0
		}
	done
	return 1
}

# chain_fill TEMPLATE OUT: @VAR@ from the chain's variables.
chain_fill() {
	sed -e "s|@DEBUG@|$C_DEBUG|g; s|@REALM@|$CHAIN_REALM|g; s|@MPATH@|$C_MPATH|g" \
	    -e "s|@WORK@|$C_WORK|g; s|@XSD@|$C_XSD|g; s|@PCSCF_IP@|$C_PCSCF_IP|g" \
	    -e "s|@PCSCF_PORT@|$C_PCSCF_PORT|g; s|@ICSCF_PORT@|$C_ICSCF_PORT|g" \
	    -e "s|@SCSCF_PORT@|$C_SCSCF_PORT|g; s|@IPSEC_PC@|$C_IPSEC_PC|g; s|@IPSEC_PS@|$C_IPSEC_PS|g" \
	    -e "s|@IPSEC_MAX@|$C_IPSEC_MAX|g" \
	    -e "s|@HSS_IP@|127.0.0.1|g; s|@HSS_PORT@|$HSS_PORT|g" "$1" >"$2"
}

# The I-CSCF's S-CSCF list (db_text): the one S-CSCF, no capabilities, so
# it qualifies for any Server-Capabilities without mandatory ones.
chain_icscf_db() {
	local db="$C_WORK/icscf-db"
	mkdir -p "$db"
	printf 'id(int) trusted_domain(str)\n1:%s\n' "$CHAIN_REALM" >"$db/nds_trusted_domains"
	# db_text escapes ':' inside a value as '\:'.
	printf 'id(int) name(str) s_cscf_uri(str)\n1:scscf:sip\\:127.0.0.1\\:%s\n' \
		"$C_SCSCF_PORT" >"$db/s_cscf"
	printf 'id(int) id_s_cscf(int) capability(int)\n' >"$db/s_cscf_capabilities"
}

# chain_kamailio NAME [-A DEFINE ...]: one Kamailio in its own process
# group, runtime dir and log; its PID in C_PIDS.
chain_kamailio() {
	local name=$1
	shift
	mkdir -p "$C_WORK/$name.run"
	if ! kamailio -c -f "$C_WORK/$name.cfg" "$@" -Y "$C_WORK/$name.run" >"$C_WORK/$name-check.log" 2>&1; then
		echo "chain: kamailio -c rejects $name.cfg:" >&2
		grep -v "^ *$" "$C_WORK/$name-check.log" | tail -15 >&2
		return 1
	fi
	# -DD: no daemon, main process in the foreground; -E: log to stderr.
	setsid kamailio -f "$C_WORK/$name.cfg" "$@" -DD -E -m 48 -M 8 -Y "$C_WORK/$name.run" \
		-P "$C_WORK/$name.pid" >"$C_WORK/$name.log" 2>&1 &
	C_PIDS="$C_PIDS $!"
	echo "$!" >>"$C_WORK/chain.pids"
	return 0
}

chain_cdp_open() { # NAME: its cdp peer (hssd) is I_Open with Cx
	kamcmd -s "unix:$C_WORK/${1}_ctl" cdp.list_peers >"$C_WORK/$1-peers.txt" 2>/dev/null &&
		grep -q "State: I_Open" "$C_WORK/$1-peers.txt" &&
		grep -q "16777216:10415" "$C_WORK/$1-peers.txt"
}

chain_sip_up() { # PORT: something listens on UDP PORT
	local hex
	hex=$(printf ':%04X ' "$1")
	grep -qi "$hex" /proc/net/udp /proc/net/udp6 2>/dev/null
}

chain_write_env() {
	cat >"$C_WORK/chain.env" <<EOF
REALM=$CHAIN_REALM
PCSCF=sip:$C_PCSCF_IP:$C_PCSCF_PORT
PCSCF_IP=$C_PCSCF_IP
PCSCF_PORT=$C_PCSCF_PORT
ICSCF=sip:127.0.0.1:$C_ICSCF_PORT
ICSCF_PORT=$C_ICSCF_PORT
SCSCF=sip:127.0.0.1:$C_SCSCF_PORT
SCSCF_PORT=$C_SCSCF_PORT
SCSCF_NAME=sip:127.0.0.1:$C_SCSCF_PORT
HSS_PORT=$HSS_PORT
HSS_HOST=hss.$CHAIN_REALM
IPSEC_PC=$C_IPSEC_PC
IPSEC_PS=$C_IPSEC_PS
HSSD_PID=$HSSD_PID
PIDS="$C_PIDS"
WORK=$C_WORK
EOF
}

# chain_up WORK HSSD DB PCSCF_IP PCSCF_PORT DEBUG(0|1) [HSSD_ARGS...]
chain_up() {
	C_WORK=$1 C_HSSD=$2 C_DB=$3 C_PCSCF_IP=$4 C_PCSCF_PORT=$5
	C_DEBUG=2
	[ "$6" = 1 ] && C_DEBUG=3
	shift 6
	C_PIDS="" HSSD_PID="" HSS_PORT=""
	C_MPATH="$(chain_mpath)" || {
		echo "skipped: Kamailio IMS modules not installed (apt-get install kamailio kamailio-ims-modules kamailio-presence-modules)"
		return 77
	}
	command -v kamailio >/dev/null || { echo "skipped: kamailio not installed"; return 77; }
	C_XSD=/usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd
	[ -f "$C_XSD" ] || C_XSD=""
	mkdir -p "$C_WORK"
	: >"$C_WORK/chain.pids"
	rm -f "$C_WORK/hssd.port"

	# hssd: port 0, read back (start_hssd); both CSCFs are its peers.
	# start_hssd wants the store at WORK/hss.db.
	[ "$C_DB" = "$C_WORK/hss.db" ] || ln -sf "$C_DB" "$C_WORK/hss.db"
	start_hssd "$C_HSSD" "$C_WORK" --origin-host "hss.$CHAIN_REALM" --realm "$CHAIN_REALM" \
		--peer "icscf.$CHAIN_REALM" --peer "scscf.$CHAIN_REALM" "$@"
	echo "$HSSD_PID" >>"$C_WORK/chain.pids"

	[ -n "$C_PCSCF_PORT" ] || C_PCSCF_PORT="$(chain_port "$HSS_PORT")"
	C_ICSCF_PORT="$(chain_port "$HSS_PORT" "$C_PCSCF_PORT")"
	C_SCSCF_PORT="$(chain_port "$HSS_PORT" "$C_PCSCF_PORT" "$C_ICSCF_PORT")"
	local icdp scdp
	icdp="$(chain_port "$HSS_PORT" "$C_PCSCF_PORT" "$C_ICSCF_PORT" "$C_SCSCF_PORT")"
	scdp="$(chain_port "$HSS_PORT" "$C_PCSCF_PORT" "$C_ICSCF_PORT" "$C_SCSCF_PORT" "$icdp")"
	chain_ipsec_ports "$HSS_PORT" "$C_PCSCF_PORT" "$C_ICSCF_PORT" "$C_SCSCF_PORT" "$icdp" "$scdp" ||
		{ echo "chain: no free range for the protected ports" >&2; return 1; }

	chain_fill "$HERE_CHAIN/pcscf.cfg.in" "$C_WORK/pcscf.cfg"
	chain_fill "$HERE_CHAIN/icscf.cfg.in" "$C_WORK/icscf.cfg"
	chain_fill "$HERE_CHAIN/scscf.cfg.in" "$C_WORK/scscf.cfg"
	sed -e "s|@FQDN@|icscf.$CHAIN_REALM|; s|@CDP_PORT@|$icdp|" "$HERE_CHAIN/cdp.xml.in" >"$C_WORK/icscf-cdp.xml.in"
	sed -e "s|@FQDN@|scscf.$CHAIN_REALM|; s|@CDP_PORT@|$scdp|" "$HERE_CHAIN/cdp.xml.in" >"$C_WORK/scscf-cdp.xml.in"
	chain_fill "$C_WORK/icscf-cdp.xml.in" "$C_WORK/icscf-cdp.xml"
	chain_fill "$C_WORK/scscf-cdp.xml.in" "$C_WORK/scscf-cdp.xml"
	chain_icscf_db

	local pdefs=()
	[ "$C_PCSCF_IP" != 127.0.0.1 ] && pdefs+=(-A WITH_CORE_LISTEN)
	chain_kamailio scscf || return 1
	chain_kamailio icscf || return 1
	chain_kamailio pcscf "${pdefs[@]}" || return 1
	chain_write_env

	# Up = both cdp peers open with hssd (Cx learnt from its CEA) and the
	# three SIP ports bound. cdp retries a refused CER after Tc (3 s).
	local n
	for n in icscf scscf; do
		if ! wait_for 30 chain_cdp_open "$n"; then
			echo "chain: the $n's cdp never opened Cx with hssd:" >&2
			cat "$C_WORK/$n-peers.txt" >&2
			grep -E "ERROR|CRITICAL" "$C_WORK/$n.log" | tail -10 >&2
			return 1
		fi
	done
	for n in "$C_PCSCF_PORT" "$C_ICSCF_PORT" "$C_SCSCF_PORT"; do
		wait_for 20 chain_sip_up "$n" || {
			echo "chain: nothing listens on SIP port $n:" >&2
			grep -E "ERROR|CRITICAL" "$C_WORK"/*.log | tail -10 >&2
			return 1
		}
	done
	return 0
}

# Stops what chain_up started: Kamailio's children stay in each main
# process's group (setsid), hssd gets SIGTERM.
chain_down() {
	local w=$1 p
	[ -f "$w/chain.pids" ] || return 0
	for p in $(cat "$w/chain.pids"); do
		if [ -f "/proc/$p/cmdline" ] && tr '\0' ' ' <"/proc/$p/cmdline" | grep -q "$w"; then
			kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
		fi
	done
	for p in $(cat "$w/chain.pids"); do
		wait_for 10 sh -c "! kill -0 $p 2>/dev/null" || kill -9 -- "-$p" 2>/dev/null
	done
	rm -f "$w/chain.pids"
}

chain_main() {
	local cmd=${1:-} work="" hssd="" db="" ip=127.0.0.1 port="" debug=0
	shift || true
	# (parse_opts sets these locals: bash's dynamic scope)
	parse_opts '
		--work       work
		--hssd       hssd
		--db         db
		--pcscf-ip   ip
		--pcscf-port port
		--realm      CHAIN_REALM
		--debug      debug flag=1' "$@"
	[ -n "$work" ] || usage_fail "--work DIR is required"
	case "$cmd" in
	up)
		opt_check --hssd exe "$hssd"
		[[ -z "$port" || "$port" =~ ^[1-9][0-9]*$ ]] || { echo "chain.sh: --pcscf-port: expected a port, got '$port'" >&2; exit 2; }
		[[ "$CHAIN_REALM" =~ ^[A-Za-z0-9.-]+$ ]] || { echo "chain.sh: --realm: expected a domain, got '$CHAIN_REALM'" >&2; exit 2; }
		[[ "$ip" =~ ^[0-9.]+$ ]] || { echo "chain.sh: --pcscf-ip: expected an IPv4 address, got '$ip'" >&2; exit 2; }
		mkdir -p "$work" && work="$(cd "$work" && pwd)"
		[ -n "$db" ] || db="$work/hss.db"
		chain_up "$work" "$hssd" "$(readlink -f "$db")" "$ip" "$port" "$debug"
		local rc=$?
		if [ $rc -ne 0 ]; then
			chain_down "$work"
			exit $rc
		fi
		. "$work/chain.env"
		echo "P-CSCF $PCSCF  (register UEs here; realm $REALM)"
		echo "I-CSCF $ICSCF, S-CSCF $SCSCF ($SCSCF_NAME), hssd 127.0.0.1:$HSS_PORT"
		echo "logs and configs in $work; stop with: $0 down --work $work"
		;;
	down) chain_down "$work" ;;
	env) cat "$work/chain.env" ;;
	*) echo "chain.sh: expected up, down or env (--help)" >&2; exit 2 ;;
	esac
}

[ "${BASH_SOURCE[0]}" = "$0" ] && chain_main "$@"
