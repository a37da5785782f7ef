# Script mode (cmake -P), run by the deb-changelog target: the package's
# changelog.gz, one Debian-format entry for the version being built (a
# native package carries /usr/share/doc/PKG/changelog.gz, Debian policy
# §12.7); the changes themselves are the project's git history. Dated
# with the commit's date, so the same commit gives the same file.
#   in: VERSION_FILE SRC MAINTAINER OUT
include("${CMAKE_CURRENT_LIST_DIR}/deb-version.cmake")
file(STRINGS "${VERSION_FILE}" version LIMIT_COUNT 1)
deb_version(debver "${version}")
set(date "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SRC}/.git")
  set(ENV{LC_ALL} C)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SRC}" log -1 --format=%cd
                          "--date=format:%a, %d %b %Y %H:%M:%S %z"
    OUTPUT_VARIABLE date OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
if(date STREQUAL "")
  string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
file(WRITE "${OUT}.tmp" "ims-hss-bench (${debver}) unstable; urgency=medium

  * Built from ${version}: the changes are the project's git history.

 -- ${MAINTAINER}  ${date}
")
execute_process(COMMAND gzip -9nc "${OUT}.tmp" OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
file(REMOVE "${OUT}.tmp")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip failed on ${OUT}")
endif()
