# Included by ctest before it runs any test (the TEST_INCLUDE_FILES of
# tests/), so it applies to every test however it starts MPI (mpiexec in a
# test command or a script, or a singleton MPI_Init). Open MPI refuses to
# run as root unless told both of these; in a container the tests run as
# root, so the harness tells it there, and only there.
execute_process(COMMAND id -u OUTPUT_VARIABLE cubie_test_uid OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE cubie_id_rc)
if(cubie_id_rc EQUAL 0 AND cubie_test_uid STREQUAL "0")
  set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
  set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
endif()
