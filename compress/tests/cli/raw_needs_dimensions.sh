# A raw file without dimensions is a usage error that says how to give them.
f32_ramp field.f32 100
tessera compress -i field.f32 -z field.tsz -M ABS 0.01
