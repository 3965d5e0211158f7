# Bounds as users type them: a subnormal bound is a number too small to quantize by, said so; a
# negative number after -M reads as a short flag and its value, and the message says so; a
# negative dimension is not wrapped to 2^64 - 5; infinity is no bound.
f32_ramp field.f32 1000
tessera compress -i field.f32 -z tiny.tsz -1 1000 -M ABS 5e-324; echo "exit $?"
tessera compress -i field.f32 -z field.tsz -1 1000 -M ABS -1e-3; echo "exit $?"
tessera compress -i field.f32 -z field.tsz -1 1000 -M REL -inf; echo "exit $?"
tessera compress -i field.f32 -z field.tsz -1 -5 -M ABS 1e-3; echo "exit $?"
tessera compress -i field.f32 -z field.tsz -1 1000 -M ABS inf; echo "exit $?"
ls
