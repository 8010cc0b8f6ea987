# Runs one mgov invocation and checks its exit code and output.
#   -DCOMMAND=<program|arg|arg...>  ('|' separates arguments)
#   -DEXPECT_EXIT=<code>  -DEXPECT_OUTPUT=<regex matched against stdout+stderr>
string(REPLACE "|" ";" argv "${COMMAND}")
execute_process(COMMAND ${argv} RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT exit_code STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit code ${exit_code}, expected ${EXPECT_EXIT}\n${all}")
endif()
if(NOT all MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}':\n${all}")
endif()
message(STATUS "${all}")
