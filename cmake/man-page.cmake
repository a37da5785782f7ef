# Script mode (cmake -P), run by the man-pages target: docs/NAME.md as the
# manual page NAME.SECTION.gz. The page's first line, "# NAME(S) — what it
# is", becomes the NAME section ("NAME \- what it is"); its "## " sections
# become the page's sections (upper case); tables become definition lists
# (packaging/man/tables.lua), which man lays out at any width.
#   in: IN OUT NAME SECTION VERSION_FILE PANDOC FILTER
file(STRINGS "${VERSION_FILE}" version LIMIT_COUNT 1)
file(READ "${IN}" md)
string(REGEX MATCH "^# [^\n]*" title "${md}")
string(REGEX REPLACE "^# [^ ]+( — )?" "" what "${title}")
if(what STREQUAL "")
  message(FATAL_ERROR "${IN}: the first line must be '# ${NAME}(${SECTION}) — what it is'")
endif()
string(REGEX REPLACE "^# [^\n]*\n" "" body "${md}")
file(WRITE "${OUT}.md" "## NAME\n\n${NAME} \\- ${what}\n\n${body}")
execute_process(
  COMMAND "${PANDOC}" -s -f markdown -t man --lua-filter "${FILTER}" --shift-heading-level-by=-1
          -M "title=${NAME}" -M "section=${SECTION}" -M "header=IMS HSS bench"
          -M "footer=ims-hss-bench ${version}" -o "${OUT}.man" "${OUT}.md"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pandoc failed on ${IN}")
endif()
execute_process(COMMAND gzip -9nf "${OUT}.man" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip failed on ${OUT}.man")
endif()
file(RENAME "${OUT}.man.gz" "${OUT}")
file(REMOVE "${OUT}.md")
