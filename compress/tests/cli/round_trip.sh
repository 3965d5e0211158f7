# A raw float32 field (no -f: float32 is the default) compresses, decompresses and verifies within
# its bound.
f32_ramp field.f32 4000
tessera compress -i field.f32 -z field.tsz -2 100 40 -M ABS 0.01
tessera compress -z field.tsz -o field.out
tessera compress verify field.f32 field.out -2 100 40 -M ABS 0.01
