#!/usr/bin/env bash
# Regenerates the seed corpus from a real session: runs the e2e tshark case
# (CER/CEA, MAR/MAA with 1 and 3 vectors, an unknown user, a 5005 with
# Failed-AVP, S6a AIR/AIA, DWR/DWA, DPR/DPA), then stores every TCP payload of the
# capture as one seed file named after its SHA-1.
#   tests/fuzz/diameter/make_corpus.sh [BUILD_DIR]     (default build)
set -euo pipefail
cd "$(dirname "$0")/../../.."
B=${1:-build}
out=tests/fuzz/diameter/corpus_diameter
HSS_E2E_KEEP=1 "$B/tests/hss_e2e" --hssd "$B/bin/hssd" --hss-ctl "$B/bin/hss-ctl" tshark
work=$(ls -dt /tmp/hss_e2e.* | head -1)
mkdir -p "$out"
tshark -r "$work/session.pcap" -T fields -e tcp.payload 2>/dev/null | while read -r hex; do
	[ -n "$hex" ] || continue
	f=$(mktemp)
	echo "$hex" | tr -d ':' | xxd -r -p >"$f"
	mv "$f" "$out/$(sha1sum "$f" | cut -c1-16)"
done
rm -rf "$work"
echo "corpus: $(ls "$out" | wc -l) files in $out"
