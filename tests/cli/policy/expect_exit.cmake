# Runs CMD with ARGS ('|'-separated) and fails unless it exits with WANT.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${CMD} ${args} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL WANT)
  message(FATAL_ERROR "exit code ${rc}, want ${WANT}")
endif()
