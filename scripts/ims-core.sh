#!/usr/bin/env bash
# One command for a real IMS core on this machine: Kamailio P-CSCF, I-CSCF and
# S-CSCF in front of hssd (build/bin/hssd), the chain of
# tests/interop/ims-core/chain.sh. State, configs and logs in $IMS_CORE_DIR
# (default /tmp/ims-core); the store is $IMS_CORE_DIR/hss.db unless --db.
#   scripts/ims-core.sh up [--pcscf-ip IP] [--pcscf-port N] [--realm REALM]
#                          [--db FILE] [--debug]
#   scripts/ims-core.sh down
#   scripts/ims-core.sh env      the ports (PCSCF=sip:IP:PORT, ...)
# Provision subscribers with build/bin/hss-ctl --db $IMS_CORE_DIR/hss.db add ...
# (after `up`, or before it once the folder exists: mkdir -p $IMS_CORE_DIR).
# See the README, "A real IMS core".
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
dir=${IMS_CORE_DIR:-/tmp/ims-core}
cmd=${1:-}
case "$cmd" in
up|down|env) shift ;;
-h|--help) . tests/lib/common.sh && script_usage "$self"; exit 0 ;;
*) echo "usage: scripts/ims-core.sh up|down|env [options] (--help)" >&2; exit 2 ;;
esac
[ "$cmd" != up ] || [ -x build/bin/hssd ] || { echo "ims-core: build first (bash run.sh demo, or cmake --build build)" >&2; exit 2; }
exec tests/interop/ims-core/chain.sh "$cmd" --work "$dir" --hssd build/bin/hssd "$@"
