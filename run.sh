#!/usr/bin/env bash
# The two entry points of the README, on a fresh Debian 12 machine as root:
#   bash run.sh demo   install what is missing, build, run one IMS AKA
#                      registration end to end with the teaching view
#   bash run.sh test   install what is missing (incl. the real peers), build,
#                      run every unit and end-to-end test
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
demo)
	bash scripts/setup.sh build
	exec bash scripts/demo.sh
	;;
test)
	bash scripts/setup.sh test
	ctest --test-dir build --output-on-failure -j2
	;;
*)
	echo "usage: bash run.sh demo|test" >&2
	exit 2
	;;
esac
