# Script mode (cmake -P): copies IN to OUT with @BENCH_VERSION@ replaced by
# the one line of VERSION_FILE (made by cmake/version.cmake), executable:
# the shell programs carry the same version as the C ones.
file(STRINGS "${VERSION_FILE}" BENCH_VERSION LIMIT_COUNT 1)
configure_file("${IN}" "${OUT}" @ONLY
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                   WORLD_READ WORLD_EXECUTE)
