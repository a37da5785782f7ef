#!/bin/bash
# run-in-qemu.sh — run SCTP test commands on a kernel that has SCTP.
#
# Many CI/dev machines run a kernel without the sctp module (socket() fails
# with EPROTONOSUPPORT, nothing can be loaded). This script:
#   1. probes the host kernel (--probe CMD, exit 0 = SCTP works); if it works,
#      runs the tests natively;
#   2. otherwise boots Debian's own current kernel under qemu with software
#      emulation (-accel tcg: KVM guests hang on these hosts), in an initramfs
#      holding busybox, the SCTP modules, the test binaries and their shared
#      libraries, runs every test in ONE boot under `timeout`, and reads the
#      per-test and final markers back from the serial console log.
# Exit code: the worst of the tests — any failure code beats 77 (skip), which
# beats 0. 77 is also returned, with a reason, when qemu is not installed and
# cannot be installed. See docs/testing-interop.md.
set -u

usage() {
	cat <<'EOF'
usage: run-in-qemu.sh [options] -- 'COMMAND' ['COMMAND' ...]

Each COMMAND is a shell command line run with /bin/sh, one test each. Programs
given with --bin are on PATH (by their base name) both natively and in the VM;
the --data directory is $SCTP_TEST_DATA in both.

options:
  --bin FILE        put FILE (and the shared libraries ldd lists) on PATH
  --file PATH       copy PATH to the same absolute path in the VM (with the
                    libraries ldd lists, if any: plugins, config files)
  --data DIR        copy DIR into the VM (as $SCTP_TEST_DATA, read-write copy)
  --out DIR         after the tests, copy $SCTP_TEST_DATA/out back to DIR
                    (from the VM through a second serial port)
  --module M        also load the kernel module M of Debian's kernel package
                    (path below kernel/ without .ko, e.g. net/ipv4/esp4),
                    after the SCTP ones, in the order given
  --mem MB          guest memory (default 256)
  --cache DIR       where the kernel, modules and initramfs are kept
                    (default: ./sctp-qemu-cache)
  --timeout SEC     per-test timeout (default 60)
  --probe 'CMD'     native probe; exit 0 means the host kernel has SCTP
                    (default: a python3 one-liner, else assume no SCTP)
  --force-qemu      skip the native probe and always boot the VM
  --no-install      never try apt-get install for missing qemu/busybox/cpio
  --help            this text
EOF
}

die_usage() { echo "run-in-qemu.sh: $*" >&2; exit 2; }
say() { echo "run-in-qemu: $*"; }

BINS=() FILES=() XMODS=() TESTS=() DATA="" OUT="" MEM=256 CACHE="$PWD/sctp-qemu-cache" TMO=60
PROBE="" FORCE=0 INSTALL=1
while [ $# -gt 0 ]; do
	case "$1" in
	--bin) [ $# -ge 2 ] || die_usage "--bin needs a file"; [ -x "$2" ] || die_usage "--bin: '$2' is not an executable"; BINS+=("$(readlink -f "$2")"); shift 2 ;;
	--file) [ $# -ge 2 ] && [ -f "$2" ] || die_usage "--file: '${2:-}' is not a file"; FILES+=("$(readlink -f "$2")"); shift 2 ;;
	--data) [ $# -ge 2 ] && [ -d "$2" ] || die_usage "--data: need an existing directory"; DATA="$(readlink -f "$2")"; shift 2 ;;
	--out) [ $# -ge 2 ] || die_usage "--out needs a directory"; mkdir -p "$2" && OUT="$(readlink -f "$2")" || die_usage "--out: cannot create '$2'"; shift 2 ;;
	--module) [[ "${2:-}" =~ ^[a-z0-9_/.-]+$ ]] || die_usage "--module: expected a path like net/ipv4/esp4, got '${2:-}'"; XMODS+=("$2"); shift 2 ;;
	--mem) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die_usage "--mem: expected megabytes, got '${2:-}'"; MEM="$2"; shift 2 ;;
	--cache) [ $# -ge 2 ] || die_usage "--cache needs a directory"; CACHE="$2"; shift 2 ;;
	--timeout) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die_usage "--timeout: expected seconds, got '${2:-}'"; TMO="$2"; shift 2 ;;
	--probe) [ $# -ge 2 ] || die_usage "--probe needs a command"; PROBE="$2"; shift 2 ;;
	--force-qemu) FORCE=1; shift ;;
	--no-install) INSTALL=0; shift ;;
	--help) usage; exit 0 ;;
	--) shift; TESTS=("$@"); break ;;
	*) die_usage "unknown argument '$1'" ;;
	esac
done
[ ${#TESTS[@]} -gt 0 ] || die_usage "no test command given (after --)"
mkdir -p "$CACHE" || exit 1
CACHE="$(readlink -f "$CACHE")"

# Worst-of: a failure (anything but 0/77) wins, then 77, then 0.
WORST=0
fold_rc() {
	local rc=$1
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		[ "$WORST" -eq 0 ] || [ "$WORST" -eq 77 ] && WORST=$rc
	elif [ "$rc" -eq 77 ] && [ "$WORST" -eq 0 ]; then
		WORST=77
	fi
}

host_has_sctp() {
	if [ -n "$PROBE" ]; then
		sh -c "$PROBE" >/dev/null 2>&1
	elif command -v python3 >/dev/null; then
		python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132).close()' 2>/dev/null
	else
		return 1
	fi
}

run_native() {
	local path="" b i=0
	for b in "${BINS[@]}"; do path="$path$(dirname "$b"):"; done
	local work; work="$(mktemp -d)"
	trap 'rm -rf "$work"' EXIT
	[ -n "$DATA" ] && cp -a "$DATA/." "$work/"
	say "host kernel $(uname -r) has SCTP: running ${#TESTS[@]} test(s) natively"
	for t in "${TESTS[@]}"; do
		i=$((i + 1))
		say "test $i: $t"
		# Own process group per test, so daemons a test leaves behind (after
		# a timeout, say) are ended with it — only that group.
		(cd "$work" && PATH="$path$PATH" SCTP_TEST_DATA="$work" \
			exec setsid timeout -k 5 "$TMO" sh -c "$t") &
		local pg=$!
		wait "$pg"
		local rc=$?
		kill -9 -- "-$pg" 2>/dev/null
		say "test $i exit $rc"
		fold_rc "$rc"
	done
	[ -n "$OUT" ] && [ -d "$work/out" ] && cp -a "$work/out/." "$OUT/"
	exit "$WORST"
}

# --- qemu path ----------------------------------------------------------

ensure_tools() {
	local missing=()
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx insmod || missing+=(busybox-static)
	command -v cpio >/dev/null || missing+=(cpio)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$INSTALL" -eq 1 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		say "installing ${missing[*]} (apt-get --no-install-recommends)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >"$CACHE/apt-install.log" 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				"${missing[@]}" >>"$CACHE/apt-install.log" 2>&1; }
	fi
	command -v qemu-system-x86_64 >/dev/null && command -v cpio >/dev/null &&
		/bin/busybox --list 2>/dev/null | grep -qx insmod && return 0
	echo "skipped: no SCTP in this kernel and qemu cannot be installed" \
		"(needs: apt-get install --no-install-recommends qemu-system-x86 busybox-static cpio)"
	exit 77
}

# Module files inside the kernel package, in insmod order: crc32c_generic
# must come before libcrc32c (there is no modules.dep in the initramfs).
MODS=(crypto/crc32c_generic lib/libcrc32c net/ipv4/udp_tunnel net/ipv6/ip6_udp_tunnel net/sctp/sctp)

# Decompresses module file $1 (.ko, .ko.xz or .ko.zst) to $2.
unpack_ko() {
	case "$1" in
	*.xz) xz -dc "$1" >"$2" ;;
	*.zst) zstd -qdc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# The --module files, taken from the kernel package kept in the cache (once
# each; called with the cache lock held).
ensure_xmods() {
	local kdir="$CACHE/kernel" m f pats=() miss=()
	for m in "${XMODS[@]}"; do
		[ -f "$kdir/mods/$(basename "$m").ko" ] && continue
		miss+=("$m")
		pats+=("*/kernel/$m.ko*")
	done
	[ ${#miss[@]} -eq 0 ] && return 0
	# One pass over the package for all of them.
	dpkg-deb --fsys-tarfile "$kdir/pkg.deb" | tar -x -C "$kdir" --wildcards "${pats[@]}" ||
		{ say "FAIL: not all of ${miss[*]} are in $(cat "$kdir/version")"; exit 1; }
	for m in "${miss[@]}"; do
		f="$(find "$kdir/lib" -path "*/kernel/$m.ko*" | head -1)"
		unpack_ko "$f" "$kdir/mods/$(basename "$m").ko" || { say "FAIL: cannot decompress $f"; exit 1; }
	done
	rm -rf "$kdir/lib"
}

# Fetches the kernel package linux-image-amd64 currently depends on and keeps
# it, vmlinuz and the SCTP modules in $CACHE/kernel (once; flock for parallel
# runs); --module files come out of the kept package on demand.
ensure_kernel() {
	local kdir="$CACHE/kernel"
	exec 9>"$CACHE/.lock"
	flock 9
	# A cache from before the package was kept: fetch it again.
	[ -f "$kdir/ok" ] && [ ! -f "$kdir/pkg.deb" ] && rm -f "$kdir/ok"
	if [ -f "$kdir/ok" ]; then ensure_xmods; flock -u 9; return 0; fi
	rm -rf "$kdir" && mkdir -p "$kdir/mods"
	local pkg try
	# Stale package lists name a kernel the mirror no longer has: refresh
	# them once (apt-get update) and try again.
	for try in 1 2; do
		pkg="$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
		if [ -n "$pkg" ]; then
			say "downloading $pkg (apt-get download, once per cache)"
			(cd "$kdir" && apt-get download -qq "$pkg" >/dev/null 2>"$kdir/download.log") && break
		fi
		[ "$try" -eq 2 ] && {
			say "FAIL: cannot download the kernel linux-image-amd64 depends on (${pkg:-none found}):"
			cat "$kdir/download.log" 2>/dev/null
			exit 1
		}
		say "refreshing the package lists (apt-get update)"
		apt-get update -qq >/dev/null 2>&1
	done
	local deb; deb="$(ls "$kdir"/*.deb | head -1)"
	local pats=('./boot/vmlinuz-*')
	for m in "${MODS[@]}"; do pats+=("*/kernel/$m.ko*"); done
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kdir" --wildcards "${pats[@]}" ||
		{ say "FAIL: cannot unpack $deb"; exit 1; }
	mv "$kdir"/boot/vmlinuz-* "$kdir/vmlinuz"
	for m in "${MODS[@]}"; do
		local f; f="$(find "$kdir/lib" -path "*/kernel/$m.ko*" | head -1)"
		[ -n "$f" ] || { say "FAIL: $m.ko missing from $pkg"; exit 1; }
		unpack_ko "$f" "$kdir/mods/$(basename "$m").ko" || { say "FAIL: cannot decompress $f"; exit 1; }
	done
	basename "$deb" .deb >"$kdir/version"
	rm -rf "$kdir/lib" "$kdir/boot"
	mv "$deb" "$kdir/pkg.deb"
	touch "$kdir/ok"
	ensure_xmods
	flock -u 9
}

# Copies FILE and every library ldd resolves for it to the same paths in $1
# (FILE itself to bin/, or with a third argument to its own path).
copy_with_libs() {
	local root="$1" f="$2"
	if [ -n "${3:-}" ]; then
		mkdir -p "$root$(dirname "$f")" && cp -L "$f" "$root$f" || return 1
	else
		cp -L "$f" "$root/bin/" || return 1
	fi
	ldd "$f" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
	done
}

write_init() {
	local root="$1" i=0
	cat >"$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin SCTP_TEST_DATA=/data HOME=/tmp
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
ip link set lo up
for m in ${MODS[*]##*/} ${XMODS[*]##*/}; do insmod /mods/\$m.ko || echo "@@SCTP insmod \$m failed"; done
echo "@@SCTP kernel \$(uname -r)"
worst=0
EOF
	for t in "${TESTS[@]}"; do
		i=$((i + 1))
		printf '%s\n' "$t" >"$root/tests/$i.sh"
		cat >>"$root/init" <<EOF
echo "@@SCTP-TEST $i start"
cd /data; timeout $TMO sh /tests/$i.sh </dev/null 2>&1; rc=\$?
echo "@@SCTP-TEST $i rc=\$rc"
if [ \$rc -ne 0 ] && [ \$rc -ne 77 ]; then { [ \$worst -eq 0 ] || [ \$worst -eq 77 ]; } && worst=\$rc
elif [ \$rc -eq 77 ] && [ \$worst -eq 0 ]; then worst=77; fi
EOF
	done
	# --out: the guest's $SCTP_TEST_DATA/out as base64 tar on the second
	# serial port (the console stays readable).
	[ -n "$OUT" ] && cat >>"$root/init" <<'EOF'
if [ -d /data/out ]; then
	{ echo "@@OUT-BEGIN"; tar -c -C /data/out . | gzip -1 | base64; echo "@@OUT-END"; } >/dev/ttyS1
fi
EOF
	echo 'echo "@@SCTP-RESULT $worst"; sync; poweroff -f' >>"$root/init"
	chmod +x "$root/init"
}

build_initrd() {
	local root="$1" out="$2"
	mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,mods,tests,data,etc}
	# busybox-static has no libraries; a dynamic busybox brings its own.
	copy_with_libs "$root" /bin/busybox || { say "FAIL: cannot copy busybox"; exit 1; }
	cp "$CACHE"/kernel/mods/*.ko "$root/mods/"
	for b in "${BINS[@]}"; do copy_with_libs "$root" "$b" || { say "FAIL: cannot copy $b"; exit 1; }; done
	for b in "${FILES[@]}"; do copy_with_libs "$root" "$b" same-path || { say "FAIL: cannot copy $b"; exit 1; }; done
	[ -n "$DATA" ] && cp -a "$DATA/." "$root/data/"
	echo "root:x:0:0:root:/tmp:/bin/sh" >"$root/etc/passwd"
	printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
	write_init "$root"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

run_qemu() {
	ensure_tools
	ensure_kernel
	local work; work="$(mktemp -d "$CACHE/run.XXXXXX")"
	trap 'rm -rf "$work"' EXIT
	build_initrd "$work/root" "$work/initrd.cpio.gz"
	say "no SCTP in host kernel $(uname -r): booting $(cat "$CACHE/kernel/version") under qemu (TCG) for ${#TESTS[@]} test(s)"
	local budget=$((${#TESTS[@]} * TMO + 120))
	# Always -accel tcg: auto-selection picks KVM, and KVM guests hang here.
	timeout "$budget" qemu-system-x86_64 -accel tcg -cpu max -bios /usr/share/qemu/qboot.rom \
		-m "$MEM" -smp 1 -display none -monitor none -serial "file:$work/console.log" \
		-serial "file:$work/out.log" \
		-no-reboot -nic none -kernel "$CACHE/kernel/vmlinuz" -initrd "$work/initrd.cpio.gz" \
		-append "console=ttyS0 quiet panic=-1" </dev/null >"$work/qemu.log" 2>&1
	local qrc=$?
	# Show the guest's output (test logs included), minus kernel noise.
	tr -d '\r' <"$work/console.log" | grep -v '^\[ *[0-9.]*\]' | sed 's/^/  vm| /'
	local result
	result="$(tr -d '\r' <"$work/console.log" | sed -n 's/^@@SCTP-RESULT \([0-9]*\)$/\1/p' | tail -1)"
	if [ -z "$result" ]; then
		say "FAIL: no result marker in the console log (qemu exit $qrc)"
		cat "$work/qemu.log"
		tail -20 "$work/console.log"
		exit 1
	fi
	if [ -n "$OUT" ]; then
		tr -d '\r' <"$work/out.log" | sed -n '/^@@OUT-BEGIN$/,/^@@OUT-END$/p' | sed '1d;$d' |
			base64 -d | tar -xz -C "$OUT" || say "note: nothing copied out of the VM"
	fi
	say "VM result: $result"
	exit "$result"
}

if [ "$FORCE" -eq 0 ] && host_has_sctp; then
	run_native
fi
run_qemu
