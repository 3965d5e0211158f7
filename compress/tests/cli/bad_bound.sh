# A malformed error bound is a usage error naming -M.
f32_ramp field.f32 100
tessera compress -i field.f32 -z field.tsz -1 100 -M REL tight
