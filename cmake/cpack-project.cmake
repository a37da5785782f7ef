# Read by cpack (CPACK_PROJECT_CONFIG_FILE), so the package carries the
# version of the build being packaged (generated/VERSION, git describe),
# in Debian's form: the upstream part starts with the release, what git
# adds follows a '+' (0.9.0-g1f43393-dirty -> 0.9.0+g1f43393.dirty).
file(STRINGS "${CPACK_BENCH_VERSION_FILE}" v LIMIT_COUNT 1)
string(REGEX REPLACE "^([0-9][0-9.]*)-" "\\1+" v "${v}")
string(REPLACE "-" "." v "${v}")
set(CPACK_PACKAGE_VERSION "${v}")
set(CPACK_DEBIAN_PACKAGE_VERSION "${v}")
