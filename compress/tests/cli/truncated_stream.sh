# A truncated .tsz fails (exit 1) naming it, and leaves no partial output file.
f32_ramp field.f32 4000
tessera compress -i field.f32 -z field.tsz -2 100 40 -M ABS 0.01 2>/dev/null
head -c 100 field.tsz > cut.tsz
tessera compress -z cut.tsz -o out.f32
code=$?
ls
exit $code
