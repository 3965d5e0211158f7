# Functions every command-line test may call (sourced by run_cli_test.py before the test script).

# data_input <variable> <subsystem> <id>: sets <variable> to the input's command-line spec (path or
# path:VARIABLE) from <subsystem>/data.json, or skips the test (exit 77, the reason on stderr) when
# the input is not on this machine; an id the manifest lacks fails the test. Call it directly, not
# as $(...): an exit inside a command substitution would only leave the subshell.
data_input() {
  local spec status=0
  spec=$(python3 "$TESSERA_SOURCE_DIR/scripts/data-input.py" "$TESSERA_SOURCE_DIR/$2/data.json" "$3") ||
    status=$?
  [ "$status" -eq 0 ] || exit "$status"
  printf -v "$1" '%s' "$spec"
}

# f32_ramp <file> <count>: writes <count> little-endian float32 values i * 0.25 + sin(i / 7).
f32_ramp() {
  python3 -c '
import math, struct, sys
n = int(sys.argv[2])
open(sys.argv[1], "wb").write(struct.pack("<%df" % n, *(i * 0.25 + math.sin(i / 7) for i in range(n))))
' "$1" "$2"
}

# interrupt_while_reading <label> <signal> <glob> <command...>: runs the command with standard input
# from a FIFO that a writer holds open, so that it opens its outputs and then waits for input; once
# a file matches <glob> (its temporary output), sends it <signal> and prints "<label>: exit <code>,
# left: <files whose name holds tmp>". Turns on job control: without it, background commands
# ignore SIGINT.
interrupt_while_reading() {
  local label=$1 signal=$2 glob=$3 holder pid code
  shift 3
  set -m
  mkfifo input.fifo
  timeout 60 sleep 30 > input.fifo &
  holder=$!
  "$@" < input.fifo 2> /dev/null &
  pid=$!
  for _ in $(seq 100); do compgen -G "$glob" > /dev/null && break; sleep 0.05; done
  kill -s "$signal" $pid
  wait $pid
  code=$?
  kill $holder
  wait $holder 2> /dev/null
  rm input.fifo
  echo "$label: exit $code, left: $(ls | grep -c tmp)"
}

# require_component <name>: skips the test (exit 77) unless `tessera doctor` lists the component
# <name> (e.g. MPI) as built.
require_component() {
  tessera doctor | grep -qE "^ *$1 +built" && return
  echo "this build has no $1 component" >&2
  exit 77
}
