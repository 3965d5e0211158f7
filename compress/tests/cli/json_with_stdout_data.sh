# --json cannot share standard output with the data.
f32_ramp field.f32 100
tessera compress -i field.f32 -z - -1 100 -M ABS 0.01 --json > out.tsz
code=$?
wc -c < out.tsz
exit $code
