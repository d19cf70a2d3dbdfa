# vp_add_catch_test(NAME SOURCES... [LIBS ...] [SYSTEMC])
# One Catch2 binary; every TEST_CASE becomes its own CTest entry (and so its
# own process, which SystemC needs: one elaboration per process).

# Catch2's runner is large: compile it once for all test binaries.
add_library(vp_catch_main STATIC ${PROJECT_SOURCE_DIR}/tests/support/catch_main.cpp)
target_link_libraries(vp_catch_main PUBLIC Catch2::Catch2)
add_library(vp_catch_sc_main STATIC ${PROJECT_SOURCE_DIR}/tests/support/catch_sc_main.cpp)
target_link_libraries(vp_catch_sc_main PUBLIC Catch2::Catch2 vp_systemc)

# vp_add_test(NAME name COMMAND ...): add_test with the project's convention
# that a test which cannot run exits 77 (CTest reports it skipped, and
# scripts/test.sh fails on any skip). Every non-Catch2 test is declared with it.
function(vp_add_test)
  add_test(${ARGV})
  cmake_parse_arguments(T "" "NAME" "" ${ARGV})
  set_tests_properties(${T_NAME} PROPERTIES SKIP_RETURN_CODE 77)
endfunction()

# SANITIZE: its cases also run under ASan+UBSan (label `sanitize`, below).
function(vp_add_catch_test name)
  cmake_parse_arguments(T "SYSTEMC;SANITIZE" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  if(T_SYSTEMC)
    # The runner defines main(); link it whole so the linker keeps it.
    target_link_libraries(${name} PRIVATE -Wl,--whole-archive vp_catch_sc_main -Wl,--no-whole-archive)
  else()
    target_link_libraries(${name} PRIVATE -Wl,--whole-archive vp_catch_main -Wl,--no-whole-archive)
  endif()
  target_link_libraries(${name} PRIVATE Catch2::Catch2 ${T_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  if(T_SYSTEMC)
    target_link_libraries(${name} PRIVATE vp_systemc)
  endif()
  # Paths as compile definitions: catch_discover_tests keeps only the first
  # item of a list-valued ENVIRONMENT property.
  target_compile_definitions(${name} PRIVATE VP_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             VP_TEST_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # --warn NoTests: a name CTest cannot pass through (e.g. with ';') fails
  # instead of silently running nothing.
  set(labels "")
  if(T_SANITIZE)
    set(labels sanitize)
  endif()
  catch_discover_tests(${name} TEST_PREFIX "${name}:" EXTRA_ARGS --warn NoTests PROPERTIES
    ENVIRONMENT "VP_SOURCE_DIR=${PROJECT_SOURCE_DIR}" LABELS "${labels}")
endfunction()

# vp_sanitize_label(TEST...): tests that also run under AddressSanitizer and
# UBSan. scripts/test.sh builds a second, -DVP_SANITIZE=ON tree of only the
# targets they need and runs `ctest -L sanitize` there: the fault, CLI,
# hostile-input and fuzz tests. Call it in the directory that added the tests.
function(vp_sanitize_label)
  set_tests_properties(${ARGN} PROPERTIES LABELS sanitize)
  if(VP_SANITIZE)
    foreach(t ${ARGN})
      set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT VP_SANITIZED=1)
    endforeach()
  endif()
endfunction()
