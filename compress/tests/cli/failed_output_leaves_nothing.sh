# An -o that cannot be written fails (exit 1) before any work and leaves no -z stream behind.
f32_ramp field.f32 1000
tessera compress -i field.f32 -z field.tsz -o missing/field.out -1 1000 -M ABS 0.01
code=$?
ls
exit $code
