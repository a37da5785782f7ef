#!/usr/bin/env bash
# e2e for ims-trace --html (issue 12 §7): on committed captures the page
#  1. leaves the exit status as it is, and an unwritable path is exit 2;
#  2. parses as HTML5 (html5lib, strict: any parse error fails);
#  3. is self-contained: no script, no link, no src/href to anything;
#  4. has one SVG ladder per attempt and per Diameter exchange, the
#     elements as columns, every message of the attempt as an arrow with
#     its frame number, the findings' messages in red;
#  5. renders in headless Chromium to a PNG that has red in it when there
#     are findings (the pixels are read back, not just the file size).
# usage: html.sh IMS_TRACE PCAPS_DIR
set -uo pipefail
TRACE=$1 PCAPS=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
K="--k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf"

PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import html5lib' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "SKIP: python3-html5lib is not installed (scripts/setup.sh test installs it)"; exit 77; }
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "SKIP: chromium is not installed (scripts/setup.sh test installs it)"; exit 77; }

# page CAPTURE ARGS...: writes $TMP/NAME.html, checks 1-4
page() {
	local cap=$1; shift
	local name=${cap%.*} html="$TMP/${cap%.*}.html"
	# shellcheck disable=SC2086
	"$TRACE" "$@" --json "$PCAPS/$cap" >"$TMP/$name.json" 2>/dev/null; local want=$?
	# shellcheck disable=SC2086
	"$TRACE" "$@" --html "$html" "$PCAPS/$cap" >/dev/null 2>&1; local rc=$?
	[ "$rc" = "$want" ] || bad "$cap: exit $rc with --html, $want without"
	[ -s "$html" ] || { bad "$cap: no page written"; return; }
	"$PY" - "$html" "$TMP/$name.json" <<'PY' || bad "$cap: page checks failed"
import html5lib, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
j = json.load(open(sys.argv[2]))
html5lib.HTMLParser(strict=True).parse(page)          # raises on any parse error
for bad in ("<script", "<link", "<img", "<iframe", "src=", "href=", "@import", "http://", "https://"):
    assert bad not in page, "not self-contained: %r" % bad
assert all(u == "#a" for u in re.findall(r"url\((.*?)\)", page)), "a url() that is not local"
ladders = page.count('<svg class="ladder"')
want = len(j["attempts"]) + len(j["diameter"])
assert ladders == want, "%d ladders for %d attempts + exchanges" % (ladders, want)
for a in j["attempts"]:
    for m in a["messages"]:
        assert ">#%d " % m["frame"] in page, "frame #%d has no arrow" % m["frame"]
for e in j["elements"]:
    if e["role"] != "?":
        assert ">%s<" % e["role"] in page, "no column for the %s" % e["role"]
red = page.count('class="msg bad')
assert (red > 0) == bool(j["findings"]), "%d red arrows with %d findings" % (red, len(j["findings"]))
assert "Result: %s" % j["result"] in page
PY
}

page altered_hop.pcap $K
page multihop_gtpu_aes.pcap $K
page s6a_resync_sctp.pcap $K
page op_opc_swap.pcap --k 465b5ce8b199b49faa5f0a2ee238a6bc --op cdc202d5123e20f62b6d676ac72cb318
page good.pcap $K
page replay.pcap $K
page truncated.pcap $K
echo "checked the pages"

"$TRACE" $K --html /nonexistent/dir/x.html "$PCAPS/good.pcap" >/dev/null 2>"$TMP/err.txt"
[ $? = 2 ] || bad "an unwritable --html path must be exit 2"
grep -q -- "--html /nonexistent/dir/x.html" "$TMP/err.txt" || bad "the --html error does not name the path"

# 5. headless Chromium renders the pages; read the PNG back
render() {
	local name=$1 want_red=$2
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$TMP/chromium" --window-size=1500,1200 \
		--screenshot="$TMP/$name.png" "file://$TMP/$name.html" >"$TMP/chromium.log" 2>&1
	[ -s "$TMP/$name.png" ] || { bad "$name: chromium wrote no PNG"; tail -5 "$TMP/chromium.log"; return; }
	"$PY" - "$TMP/$name.png" "$want_red" <<'PY' || bad "$name: the rendered PNG is not what the page shows"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        hdr = struct.unpack(">IIBBBBB", body)
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = hdr
assert depth == 8 and ctype in (2, 6) and not interlace, "PNG kind %r" % (hdr,)
bpp = 3 if ctype == 2 else 4
raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
for y in range(h):                                    # PNG filters 0-4 (RFC 2083 §6)
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
red = dark = 0
for line in rows[::2]:
    for x in range(0, stride, bpp * 2):
        r, g, b = line[x], line[x + 1], line[x + 2]
        red += r > 150 and g < 60 and b < 60
        dark += r < 80 and g < 80 and b < 80
assert dark > 500, "the page looks empty (%d dark pixels)" % dark
assert (red > 50) == (sys.argv[2] == "1"), "%d red pixels, findings expected: %s" % (red, sys.argv[2])
PY
}
render altered_hop 1
render good 0
echo "rendered with $("$CHROMIUM" --version 2>/dev/null | head -1)"

[ $fail = 0 ] && echo "ims-trace --html e2e: all passed"
exit $fail
