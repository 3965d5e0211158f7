# An OMP_NUM_THREADS beyond 4096 is lowered to it with a warning; the stream is the same.
f32_ramp field.f32 100000
tessera compress -i field.f32 -z one.tsz -1 100000 -M ABS 0.01 --threads 1 2>/dev/null
OMP_NUM_THREADS=65536 tessera compress -i field.f32 -z many.tsz -1 100000 -M ABS 0.01 &&
  cmp one.tsz many.tsz && echo "same stream"
