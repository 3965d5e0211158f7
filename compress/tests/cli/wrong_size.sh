# Dimensions that do not match the file's size fail with both sizes; -d reads float64.
f32_ramp field.f32 100
tessera compress -i field.f32 -z field.tsz -d -1 100 -M ABS 0.01
