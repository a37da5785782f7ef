# Read by cpack (CPACK_PROJECT_CONFIG_FILE), so the package carries the
# version of the build being packaged (generated/VERSION, git describe),
# in Debian's form (cmake/deb-version.cmake).
include("${CMAKE_CURRENT_LIST_DIR}/deb-version.cmake")
file(STRINGS "${CPACK_BENCH_VERSION_FILE}" v LIMIT_COUNT 1)
deb_version(v "${v}")
set(CPACK_PACKAGE_VERSION "${v}")
set(CPACK_DEBIAN_PACKAGE_VERSION "${v}")
