# Helpers that give every subsystem the same shape: a library, a test binary, benchmarks, CLI commands.

# tessera_add_library(<target> ALIAS <ns::name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
function(tessera_add_library target)
  cmake_parse_arguments(A "" "ALIAS" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${target} STATIC ${A_SOURCES})
  add_library(${A_ALIAS} ALIAS ${target})
  # src/ holds private headers and the kernel sources that tessera/core/isa_family.inc includes.
  target_include_directories(${target} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/include"
    PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/src")
  target_link_libraries(${target} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS} tessera_warnings)
endfunction()

# tessera_add_tests(<target> SOURCES ... DEPS ...)
# One GoogleTest binary linked with tessera::testing; every test case becomes a CTest test. Labels
# are per test, by name: a suite or test whose name starts with "Slow" is `slow` (minutes: training,
# sweeps over real data), one starting with "Peer" is `peer` (side by side with a peer library),
# every other one `unit` (seconds).
set(TESSERA_SLOW_TESTS "Slow*:*/Slow*:*.Slow*")
set(TESSERA_PEER_TESTS "Peer*:*/Peer*:*.Peer*")
function(tessera_add_tests target)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${target} ${A_SOURCES})
  target_link_libraries(${target} PRIVATE ${A_DEPS} tessera::testing GTest::gtest_main
    tessera_warnings)
  gtest_discover_tests(${target} TEST_FILTER "-${TESSERA_SLOW_TESTS}:${TESSERA_PEER_TESTS}"
    PROPERTIES LABELS unit DISCOVERY_TIMEOUT 120)
  gtest_discover_tests(${target} TEST_FILTER "${TESSERA_SLOW_TESTS}"
    PROPERTIES LABELS slow DISCOVERY_TIMEOUT 120)
  gtest_discover_tests(${target} TEST_FILTER "${TESSERA_PEER_TESTS}"
    PROPERTIES LABELS peer DISCOVERY_TIMEOUT 120)
endfunction()

# tessera_add_cli_tests(<prefix> DIR <folder>): command-line tests in the style of zstd's
# cli-tests. Every <folder>/<name>.sh is the CTest test <prefix>.<name>, run by
# core/testing/run_cli_test.py in a fresh folder with `tessera` on PATH; its exit code and output
# are checked against <name>.sh.exit, .stdout.exact|.stdout.glob and .stderr.exact|.stderr.glob
# beside it. A "# labels: slow" line sets its labels (default unit); exit 77 skips it.
function(tessera_add_cli_tests prefix)
  cmake_parse_arguments(A "" "DIR" "" ${ARGN})
  file(GLOB scripts CONFIGURE_DEPENDS "${A_DIR}/*.sh")
  foreach(script IN LISTS scripts)
    get_filename_component(name "${script}" NAME_WE)
    file(STRINGS "${script}" label_line REGEX "^# labels: " LIMIT_COUNT 1)
    set(labels unit)
    if(label_line)
      string(REGEX REPLACE "^# labels: *" "" labels "${label_line}")
      string(REPLACE " " ";" labels "${labels}")
    endif()
    add_test(NAME ${prefix}.${name}
      COMMAND python3 "${PROJECT_SOURCE_DIR}/core/testing/run_cli_test.py"
              --tessera $<TARGET_FILE:tessera> --source-dir "${PROJECT_SOURCE_DIR}" "${script}")
    set_tests_properties(${prefix}.${name} PROPERTIES LABELS "${labels}" SKIP_RETURN_CODE 77)
  endforeach()
endfunction()

# tessera_add_data_manifest(<subsystem> <data.json>): the object library tessera::<subsystem>_data
# with the manifest compiled in: tessera::<subsystem>::data_manifest() (header
# tessera/<subsystem>/data_manifest.hpp). Linked into `tessera` so that doctor lists it.
function(tessera_add_data_manifest subsystem json)
  file(READ "${json}" TESSERA_MANIFEST_TEXT)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${json}")
  set(TESSERA_MANIFEST_SUBSYSTEM ${subsystem})
  file(RELATIVE_PATH TESSERA_MANIFEST_ORIGIN "${PROJECT_SOURCE_DIR}" "${json}")
  set(generated "${CMAKE_BINARY_DIR}/generated/${subsystem}_data")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/data_manifest.hpp.in"
    "${generated}/include/tessera/${subsystem}/data_manifest.hpp" @ONLY)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/data_manifest.cpp.in"
    "${generated}/data_manifest.cpp" @ONLY)
  add_library(tessera_${subsystem}_data OBJECT "${generated}/data_manifest.cpp")
  add_library(tessera::${subsystem}_data ALIAS tessera_${subsystem}_data)
  target_include_directories(tessera_${subsystem}_data PUBLIC "${generated}/include")
  target_link_libraries(tessera_${subsystem}_data PUBLIC tessera::core PRIVATE tessera_warnings)
  set_property(GLOBAL APPEND PROPERTY TESSERA_CLI_DEPS tessera::${subsystem}_data)
endfunction()

# tessera_add_bench(<target> SOURCES ... DEPS ...): a benchmark binary that `make bench` runs.
function(tessera_add_bench target)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${target} ${A_SOURCES})
  target_link_libraries(${target} PRIVATE ${A_DEPS} tessera_warnings)
  set_property(GLOBAL APPEND PROPERTY TESSERA_BENCHMARKS ${target})
endfunction()

# tessera_add_fuzz(<target> SOURCES ... DEPS ... SEEDS <script>): a libFuzzer target (only with
# TESSERA_FUZZ) and a CTest test, label `fuzz`, that runs it for TESSERA_FUZZ_SECONDS from the corpus
# that <script> writes (called as `<script> <corpus-folder> <tessera>`; see core/testing/run_fuzzer.sh),
# with TESSERA_FUZZ_SEED_TESSERA's program, or this build's.
set(TESSERA_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz test runs")
set(TESSERA_FUZZ_SEED_TESSERA "" CACHE FILEPATH
    "The tessera program the seed scripts run (empty: this build's, which the fuzz preset then builds)")
function(tessera_add_fuzz target)
  if(NOT TESSERA_FUZZ)
    return()
  endif()
  cmake_parse_arguments(A "" "SEEDS" "SOURCES;DEPS" ${ARGN})
  if(NOT A_SEEDS)
    message(FATAL_ERROR "tessera_add_fuzz(${target}): SEEDS <script> is required")
  endif()
  get_filename_component(seeds "${A_SEEDS}" ABSOLUTE)
  add_executable(${target} ${A_SOURCES})
  target_link_libraries(${target} PRIVATE ${A_DEPS} tessera_warnings)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  set(seed_tessera "${TESSERA_FUZZ_SEED_TESSERA}")
  if(NOT TARGET fuzzers)
    add_custom_target(fuzzers)  # what the fuzz preset builds: every fuzz target (and `tessera`)
    if(NOT seed_tessera)
      add_dependencies(fuzzers tessera)
    endif()
  endif()
  if(NOT seed_tessera)
    set(seed_tessera $<TARGET_FILE:tessera>)
  endif()
  add_dependencies(fuzzers ${target})
  add_test(NAME fuzz.${target}
    COMMAND "${PROJECT_SOURCE_DIR}/core/testing/run_fuzzer.sh" $<TARGET_FILE:${target}>
            ${TESSERA_FUZZ_SECONDS} "${seeds}" "${seed_tessera}")
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

# tessera_optional_feature(<NAME> FOUND <bool> WHAT <what it builds> INSTALL <Debian packages...>)
# The option TESSERA_WITH_<NAME>, on by default when FOUND. On but not found: a configure error
# naming the packages. Off: a status line and a `tessera doctor` component line saying how to get
# it. The caller adds its own component line with versions when the feature is on.
function(tessera_optional_feature name)
  cmake_parse_arguments(A "" "FOUND;WHAT" "INSTALL" ${ARGN})
  string(REPLACE ";" " " packages "${A_INSTALL}")
  option(TESSERA_WITH_${name} "Build ${A_WHAT} (needs ${packages})" ${A_FOUND})
  if(TESSERA_WITH_${name} AND NOT A_FOUND)
    message(FATAL_ERROR "TESSERA_WITH_${name} is ON but its dependencies were not found: install "
                        "${packages}, or configure with -DTESSERA_WITH_${name}=OFF")
  endif()
  if(NOT TESSERA_WITH_${name})
    if(A_FOUND)
      set(reason "turned off with -DTESSERA_WITH_${name}=OFF")
    else()
      set(reason "install ${packages} and reconfigure")
    endif()
    message(STATUS "TESSERA_WITH_${name} is OFF (${reason}): ${A_WHAT} not built")
    tessera_add_component("${name}" OFF "${A_WHAT}: ${reason}")
  endif()
endfunction()
