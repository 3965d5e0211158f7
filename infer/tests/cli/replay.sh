# `tessera infer record-replay` times every schedule of a search space cut down by --values (4
# schedules) on one GEMM task into a replay table, and `replay-study` replays the three searches
# on it. A task for another thread count, a malformed task and a value a knob does not have are
# usage errors (exit 2) that write nothing.
export TESSERA_CACHE_DIR="$PWD/kernels"
cut="--values mr=4 --values nv=1,2 --values w=4 --values unroll=1 --values kc=64 --values nc=256 --values order=0,1 --values parallel=0"
tessera --threads 1 infer record-replay --task "gemm m=8 n=40 k=24 threads=1" $cut -o t.json |
  sed 's/ in [0-9.]* s,/ in T s,/; s/fastest [0-9.]* ms/fastest T ms/'
tessera --threads 1 infer replay-study t.json --seeds 2 | sed -E 's/[0-9]+\.[0-9]+/X/g'
tessera --threads 2 infer record-replay --task "gemm m=8 n=40 k=24 threads=1" -o x.json 2>&1
echo "exit $?"
tessera infer record-replay --task "gemm 8x40x24" -o x.json 2>&1
echo "exit $?"
tessera --threads 1 infer record-replay --task "gemm m=8 n=40 k=24 threads=1" --values kc=100 -o x.json 2>&1
echo "exit $?"
ls
