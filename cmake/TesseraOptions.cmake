# Build options shared by every target: optional components, warnings, sanitizers, compiler cache.

set(_werror_default OFF)
if("$ENV{CI}" STREQUAL "true")
  set(_werror_default ON)
endif()
option(TESSERA_WERROR "Treat warnings in project code as errors (on by default when CI=true)" ${_werror_default})
set(TESSERA_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list (the asan preset uses address,undefined)")
set(TESSERA_SHARED_DATA "${PROJECT_SOURCE_DIR}/../shared/data" CACHE PATH
    "Default folder of shared test data (the TESSERA_SHARED_DATA environment variable overrides it)")

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

# Debian's interpreter, the one its python3-* packages (scipy, h5py) install into, for the peer
# tests in Python: a python3 earlier on PATH (a virtualenv, pyenv) may lack them.
find_program(TESSERA_DEBIAN_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(TESSERA_DEBIAN_PYTHON3 python3)

find_program(TESSERA_CCACHE ccache)
if(TESSERA_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${TESSERA_CCACHE}")
  set(CMAKE_CUDA_COMPILER_LAUNCHER "${TESSERA_CCACHE}")
endif()

# The CUDA compiler: CMAKE_CUDA_COMPILER or CUDACXX when given, else the nvcc that FindCUDAToolkit
# finds (CUDAToolkit_ROOT, CUDA_PATH, PATH, then the default /usr/local/cuda). Not check_language(CUDA):
# CMake 3.25 cannot pick a default architecture for CUDA 13's nvcc. Only the cuda preset turns it on.
if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_package(CUDAToolkit QUIET)
  if(CUDAToolkit_NVCC_EXECUTABLE)
    set(CMAKE_CUDA_COMPILER "${CUDAToolkit_NVCC_EXECUTABLE}" CACHE FILEPATH "CUDA compiler")
  endif()
endif()
if(CMAKE_CUDA_COMPILER OR DEFINED ENV{CUDACXX})
  set(_cuda_found ON)
else()
  set(_cuda_found OFF)
endif()
tessera_optional_feature(CUDA FOUND ${_cuda_found} WHAT "the CUDA kernels (the cuda preset)"
  INSTALL "the NVIDIA CUDA toolkit (nvcc through CUDACXX, PATH or /usr/local/cuda)")
if(TESSERA_WITH_CUDA)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 90)  # H100/H200; override with -DCMAKE_CUDA_ARCHITECTURES=...
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  # CMake 3.25 predates CUDA 13 and does not know that its nvcc takes -std=c++20: teach it.
  if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_COMPILE_FEATURES cuda_std_20)
    list(APPEND CMAKE_CUDA_COMPILE_FEATURES cuda_std_20)
  endif()
  set(CMAKE_CUDA_STANDARD 20)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  # Every target with CUDA sources, and what links them: what CI builds of the cuda preset to check
  # that the CUDA code compiles (the rest is the release build). Subsystems add theirs.
  add_custom_target(cuda_targets)
endif()

# Warnings for project code only (third-party headers are included as system headers).
add_library(tessera_warnings INTERFACE)
target_compile_options(tessera_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${TESSERA_WERROR}>>:-Werror>
  $<$<AND:$<COMPILE_LANGUAGE:CUDA>,$<BOOL:${TESSERA_WERROR}>>:-Werror=all-warnings>)

option(TESSERA_FUZZ "Build the libFuzzer targets (needs clang; checksums are not verified)" OFF)
if(TESSERA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TESSERA_FUZZ needs clang++ (use the fuzz preset)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_compile_definitions(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
endif()

if(TESSERA_SANITIZE)
  add_compile_options(-fsanitize=${TESSERA_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${TESSERA_SANITIZE})
endif()
