# Helpers that give every subsystem the same shape: a library, a test binary, benchmarks, CLI commands.

# tessera_add_library(<target> ALIAS <ns::name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
function(tessera_add_library target)
  cmake_parse_arguments(A "" "ALIAS" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${target} STATIC ${A_SOURCES})
  add_library(${A_ALIAS} ALIAS ${target})
  target_include_directories(${target} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/include")
  target_link_libraries(${target} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS} tessera_warnings)
endfunction()

# tessera_add_tests(<target> LABEL <unit|slow|peer> SOURCES ... DEPS ...)
# One GoogleTest binary; every test case becomes a CTest test carrying the label.
function(tessera_add_tests target)
  cmake_parse_arguments(A "" "LABEL" "SOURCES;DEPS" ${ARGN})
  add_executable(${target} ${A_SOURCES})
  target_link_libraries(${target} PRIVATE ${A_DEPS} GTest::gtest_main GTest::gmock tessera_warnings)
  gtest_discover_tests(${target} PROPERTIES LABELS ${A_LABEL} DISCOVERY_TIMEOUT 120)
endfunction()

# tessera_add_bench(<target> SOURCES ... DEPS ...): a benchmark binary that `make bench` runs.
function(tessera_add_bench target)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${target} ${A_SOURCES})
  target_link_libraries(${target} PRIVATE ${A_DEPS} tessera_warnings)
  set_property(GLOBAL APPEND PROPERTY TESSERA_BENCHMARKS ${target})
endfunction()

# tessera_add_fuzz(<target> SOURCES ... DEPS ...): a libFuzzer target (only with TESSERA_FUZZ) and a
# CTest test, label `fuzz`, that runs it for TESSERA_FUZZ_SECONDS from seeds made by `tessera`.
set(TESSERA_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz test runs")
function(tessera_add_fuzz target)
  if(NOT TESSERA_FUZZ)
    return()
  endif()
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${target} ${A_SOURCES})
  target_link_libraries(${target} PRIVATE ${A_DEPS} tessera_warnings)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  if(NOT TARGET fuzzers)
    add_custom_target(fuzzers)  # what the fuzz preset builds: every fuzz target and `tessera`
    add_dependencies(fuzzers tessera)
  endif()
  add_dependencies(fuzzers ${target})
  add_test(NAME fuzz.${target}
    COMMAND "${PROJECT_SOURCE_DIR}/compress/fuzz/run_fuzzer.sh" $<TARGET_FILE:${target}>
            $<TARGET_FILE:tessera> ${TESSERA_FUZZ_SECONDS})
  set_tests_properties(fuzz.${target} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()

# tessera_add_cli_sources(SOURCES ... DEPS ...): files compiled into the `tessera` binary whose
# static registrars add a subsystem's commands; no central list is edited.
function(tessera_add_cli_sources)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  foreach(source IN LISTS A_SOURCES)
    get_filename_component(absolute "${source}" ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY TESSERA_CLI_SOURCES "${absolute}")
  endforeach()
  set_property(GLOBAL APPEND PROPERTY TESSERA_CLI_DEPS ${A_DEPS})
endfunction()

# tessera_add_component(<name> <built: ON|OFF> <detail>): a line in `tessera doctor`'s component table.
function(tessera_add_component name built detail)
  set_property(GLOBAL APPEND PROPERTY TESSERA_COMPONENTS "${name}|${built}|${detail}")
endfunction()
