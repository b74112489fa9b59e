# ctest helper: runs EXE with the argument ARG (several: '|'-separated) and fails unless it exits 0 and its stdout
# matches the regular expression EXPECT. (PASS_REGULAR_EXPRESSION alone would ignore the exit status.)
#   cmake -DEXE=<program> -DARG=<argument[|argument...]> -DEXPECT=<regex> [-DEMULATOR=<a|b|c>] -P expect_output.cmake
#   (EMULATOR: a cross build's emulator command, '|'-separated, that runs EXE)
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
string(REPLACE "|" ";" ARG "${ARG}")
execute_process(COMMAND ${EMULATOR} "${EXE}" ${ARG} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${EXE} ${ARG} exited with ${status}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT out MATCHES "${EXPECT}")
  message(FATAL_ERROR "${EXE} ${ARG}: output does not match '${EXPECT}'\nstdout:\n${out}")
endif()
