# Runs at install time (install(SCRIPT) in packaging/CMakeLists.txt), so
# the paths are those of this install, cmake --install --prefix P and the
# .deb (prefix /usr) alike: the systemd units naming the installed
# programs, and the daemons' configuration files in the install's etc
# (/etc for the /usr prefix, as Debian has it), never over an existing one.
#   in: BENCH_SOURCE_DIR BENCH_BINARY_DIR (set by an install(CODE) before)
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr")
  set(etc "/etc")
else()
  set(etc "${prefix}/etc")
endif()
set(BINDIR "${prefix}/bin")
set(SYSCONFDIR "${etc}/ims-hss-bench")
foreach(unit hssd scscf-stub)
  configure_file("${BENCH_SOURCE_DIR}/packaging/systemd/${unit}.service.in"
                 "${BENCH_BINARY_DIR}/packaging/${unit}.service" @ONLY)
endforeach()
file(INSTALL "${BENCH_BINARY_DIR}/packaging/hssd.service"
             "${BENCH_BINARY_DIR}/packaging/scscf-stub.service"
     DESTINATION "${prefix}/lib/systemd/system")
foreach(conf "hss/hssd.conf.example:hssd.conf" "scscf-stub/scscf.conf.example:scscf.conf")
  string(REPLACE ":" ";" conf "${conf}")
  list(GET conf 0 from)
  list(GET conf 1 to)
  if(EXISTS "$ENV{DESTDIR}${SYSCONFDIR}/${to}")
    message(STATUS "Kept: $ENV{DESTDIR}${SYSCONFDIR}/${to}")
  else()
    file(INSTALL "${BENCH_SOURCE_DIR}/${from}" DESTINATION "${SYSCONFDIR}" RENAME "${to}")
  endif()
endforeach()
