# Functions every command-line test may call (sourced by run_cli_test.py before the test script).

# data_input <subsystem> <id>: prints the input's command-line spec (path or path:VARIABLE) from
# <subsystem>/data.json, or skips the test (exit 77) when the input is not on this machine.
data_input() {
  local spec
  spec=$(python3 "$TESSERA_SOURCE_DIR/scripts/data-input.py" "$TESSERA_SOURCE_DIR/$1/data.json" "$2") ||
    exit 77
  printf '%s\n' "$spec"
}

# f32_ramp <file> <count>: writes <count> little-endian float32 values i * 0.25 + sin(i / 7).
f32_ramp() {
  python3 -c '
import math, struct, sys
n = int(sys.argv[2])
open(sys.argv[1], "wb").write(struct.pack("<%df" % n, *(i * 0.25 + math.sin(i / 7) for i in range(n))))
' "$1" "$2"
}
