# Fixed ratio on a constant field: every chunk is one value, so the target is passed with zero
# error rather than reached by a bound so wide that every value decodes to zero.
python3 -c 'import struct; open("c.f32", "wb").write(struct.pack("<1000f", *[3.5] * 1000))'
tessera compress -i c.f32 -z c.tsz -1 1000 -M FXR -C 31 -o c.out 2>/dev/null &&
  tessera compress verify c.f32 c.out -1 1000 -M ABS 1e-30 &&
  tessera compress info c.tsz | tail -1
