# verify exits 3 when the decompressed field misses the bound it is checked against.
f32_ramp field.f32 4000
tessera compress -i field.f32 -z field.tsz -o field.out -2 100 40 -M ABS 0.01 2>/dev/null
tessera compress verify field.f32 field.out -2 100 40 -M ABS 0.0001
