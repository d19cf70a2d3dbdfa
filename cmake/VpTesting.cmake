# vp_add_catch_test(NAME SOURCES... [LIBS ...] [SYSTEMC])
# One Catch2 binary; every TEST_CASE becomes its own CTest entry (and so its
# own process, which SystemC needs: one elaboration per process).
function(vp_add_catch_test name)
  cmake_parse_arguments(T "SYSTEMC" "" "SOURCES;LIBS" ${ARGN})
  if(T_SYSTEMC)
    set(main_src ${PROJECT_SOURCE_DIR}/tests/support/catch_sc_main.cpp)
  else()
    set(main_src ${PROJECT_SOURCE_DIR}/tests/support/catch_main.cpp)
  endif()
  add_executable(${name} ${T_SOURCES} ${main_src})
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
  catch_discover_tests(${name} TEST_PREFIX "${name}:" EXTRA_ARGS --warn NoTests PROPERTIES
    ENVIRONMENT "VP_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
