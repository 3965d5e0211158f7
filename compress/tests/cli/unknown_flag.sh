# An unknown flag is a usage error.
f32_ramp field.f32 100
tessera compress -i field.f32 -z field.tsz -1 100 -M ABS 0.01 --bogus
