# Entry points. Each target installs what it needs (scripts/install-deps.sh), configures with a CMake
# preset and builds with Ninja: make demo | test | bench | asan | cuda | fuzz | format | lint | clean
PRESET ?= release
BUILD := build/$(PRESET)
CMAKE_QUIET := -Wno-dev --log-level=WARNING

.PHONY: all deps dev-deps configure build demo test bench asan cuda fuzz format lint clean
all: build

deps:
	@scripts/install-deps.sh build

dev-deps:
	@scripts/install-deps.sh build dev

configure: deps
	@cmake --preset $(PRESET) $(CMAKE_QUIET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET)

demo: build
	@TESSERA_BENCH_PYTHON=$(wildcard $(CURDIR)/$(BENCH_VENV)/bin/python) scripts/demo.sh $(BUILD)

test: build
	@ctest --preset $(PRESET) --parallel 2

# One virtualenv of pinned PyPI peers (bench/requirements.txt) for every benchmark step.
BENCH_VENV := build/bench-venv
bench: build
	@scripts/install-deps.sh bench
	@scripts/install-bench-venv.sh $(BENCH_VENV)
	@TESSERA_BENCH_PYTHON=$(CURDIR)/$(BENCH_VENV)/bin/python scripts/bench.sh $(BUILD)

asan: deps
	@cmake --preset asan $(CMAKE_QUIET) >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan --parallel 2

# CMake finds nvcc (CUDACXX, PATH or the toolkit's default location) or says what is missing.
cuda: deps
	@cmake --preset cuda $(CMAKE_QUIET) >/dev/null
	@cmake --build --preset cuda

# FUZZ_SEED_TESSERA: a tessera program for the seed scripts (CI: the release build's), so that the
# fuzz preset builds only the fuzz targets; empty: it builds its own.
FUZZ_SEED_TESSERA ?=
fuzz: dev-deps
	@cmake --preset fuzz $(CMAKE_QUIET) -DTESSERA_FUZZ_SEED_TESSERA="$(FUZZ_SEED_TESSERA)" >/dev/null
	@cmake --build --preset fuzz
	@ctest --preset fuzz

format: dev-deps
	@git ls-files '*.hpp' '*.cpp' '*.cu' '*.cuh' '*.cpp.in' | xargs clang-format -i

lint: dev-deps configure
	@scripts/lint.sh $(BUILD)

clean:
	rm -rf build
