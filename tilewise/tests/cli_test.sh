#!/usr/bin/env bash
# `tessera tilewise` end to end: prune .npy weights of two layers into .tw and .npy files under one
# threshold, read the tile statistics back, sweep the kernel benchmark, and check the errors of bad
# inputs (exit codes 1, 2).
# Usage: cli_test.sh <tessera>
set -euo pipefail
tessera=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Two float32 layers as .npy (numpy's own header layout), values from a fixed linear congruence.
python3 - "$work" <<'PY'
import struct, sys
def npy(path, rows, cols, seed, descr="<f4"):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (descr, rows, cols)
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    x = seed
    values = []
    for _ in range(rows * cols):
        x = (1103515245 * x + 12345) % 2**31
        values.append(x / 2**31 - 0.5)
    fmt = "<%d%s" % (rows * cols, "f" if descr == "<f4" else "d")
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack(fmt, *values))
npy(sys.argv[1] + "/fc1.npy", 256, 300, 1)
npy(sys.argv[1] + "/fc2.npy", 300, 64, 2)
npy(sys.argv[1] + "/f64.npy", 4, 4, 3, "<f8")
PY

"$tessera" tilewise prune -i "$work/fc1.npy" -i "$work/fc2.npy" -o "$work/fc1.tw" \
  -o "$work/fc2.npy" --sparsity 0.75 -G 64 --json >"$work/prune.json" 2>"$work/prune.log"
grep -Eq 'sparsity 7[45]\.[0-9]+% \(asked 75\.00%\)' "$work/prune.log" || fail "prune summary: $(cat "$work/prune.log")"
grep -q '"pattern":"tw"' "$work/prune.json" || fail "prune --json: $(cat "$work/prune.json")"
"$tessera" tilewise info "$work/fc1.tw" >"$work/info.txt"
grep -Eq '256x300 \(K x N\), G 64, 5 tiles, 0 pruned columns, 0 restored elements' "$work/info.txt" || fail "info: $(cat "$work/info.txt")"
"$tessera" tilewise info "$work/fc1.tw" --json | grep -q '"tiles":5' || fail "info --json"
# A packed layer prunes further: from 75% to 90%.
"$tessera" tilewise prune -i "$work/fc1.tw" -o "$work/fc1_90.tw" --sparsity 0.9 -G 64 2>/dev/null
"$tessera" tilewise info "$work/fc1_90.tw" | grep -Eq 'sparsity (89|90)\.[0-9]+%' || fail "re-prune: $("$tessera" tilewise info "$work/fc1_90.tw")"

# TEW packs its restored elements beside the tiles: 5% of the weights outside them.
"$tessera" tilewise prune -i "$work/fc1.npy" -o "$work/tew.tw" --pattern tew --sparsity 0.75 \
  --delta 0.05 -G 64 2>/dev/null
"$tessera" tilewise info "$work/tew.tw" --json | python3 -c '
import json, sys
info = json.load(sys.stdin)
assert abs(info["restored"] - 0.05 * 256 * 300) <= 1, info
assert abs(info["sparsity"] - 0.75) < 0.01, info' || fail "tew info"

# A sweep of 2 x 3 x 2 = 12 checked cases, one JSON line each.
"$tessera" tilewise bench --n 64,100 --k 96 --m 8:32:*2 --sparsity 0,0.99 -G 32 --budget 0 \
  --json >"$work/bench.jsonl" 2>/dev/null
[ "$(wc -l <"$work/bench.jsonl")" -eq 12 ] || fail "bench: $(wc -l <"$work/bench.jsonl") lines, wanted 12"
grep -q '"extra":{"achieved_sparsity":0.98958' "$work/bench.jsonl" || fail "bench --json: $(head -c 300 "$work/bench.jsonl")"
"$tessera" tilewise bench --n 64 --k 64 --m 16 --sparsity 0.5 --budget 0 2>/dev/null | grep -Eq '^64x64 \(N x K\) M=16 s=0.50 G=128 threads=1: TW .* ms, oneDNN dense .* ms: [0-9.]+x' || fail "bench table"

expect() {  # expect <code> <regex> <args...>
  local code=$1 pattern=$2
  shift 2
  set +e
  output=$("$tessera" tilewise "$@" 2>&1)
  got=$?
  set -e
  [ "$got" -eq "$code" ] || fail "exit $got (wanted $code) from: $* -> $output"
  grep -Eq -- "$pattern" <<<"$output" || fail "output of $* does not match /$pattern/: $output"
}
expect 2 "only the tw, tw2d and tew patterns pack into .tw" prune -i "$work/fc1.npy" -o "$work/x.tw" --pattern vw
expect 2 "one -o per -i" prune -i "$work/fc1.npy" -i "$work/fc2.npy" -o "$work/x.npy"
expect 2 "--pattern: unknown pattern 'diagonal'" prune -i "$work/fc1.npy" -o "$work/x.npy" --pattern diagonal
expect 2 "--sparsity: must be in \[0, 1\]" prune -i "$work/fc1.npy" -o "$work/x.npy" --sparsity 1.5
expect 1 "f64.npy: .npy dtype '<f8' is not little-endian float32" prune -i "$work/f64.npy" -o "$work/x.npy"
expect 1 "missing.npy" prune -i "$work/missing.npy" -o "$work/x.npy"
expect 2 "--sparsity: 1 is not in \[0, 1\)" bench --sparsity 1
expect 2 "--m: '1:2' is not start:stop:step" bench --m 1:2
expect 2 "--kernel: unknown tilewise.tw_gemm kernel 'avx9'" bench --kernel avx9
head -c 100 "$work/fc1.tw" >"$work/cut.tw"
expect 1 "cut.tw: checksum mismatch" info "$work/cut.tw"
[ ! -e "$work/x.npy" ] && [ ! -e "$work/x.tw" ] || fail "a failed command left an output file"
echo "tilewise CLI: all checks passed"
