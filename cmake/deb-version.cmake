# The Debian form of the bench's version (generated/VERSION): the upstream
# part starts with the release, what git adds follows a '+'
# (0.9.0-g1f43393-dirty -> 0.9.0+g1f43393.dirty). Included by
# cpack-project.cmake (the package's Version) and deb-changelog.cmake.
#   in: the version string; out: deb_version(VAR VERSION)
function(deb_version var v)
  string(REGEX REPLACE "^([0-9][0-9.]*)-" "\\1+" v "${v}")
  string(REPLACE "-" "." v "${v}")
  set(${var} "${v}" PARENT_SCOPE)
endfunction()
