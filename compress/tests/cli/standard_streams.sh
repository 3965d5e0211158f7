# "-" is standard input for -i and -z and standard output for -z and -o: a pipe round trip.
f32_ramp field.f32 4000
tessera compress -i - -z - -2 100 40 -M ABS 0.01 < field.f32 2>/dev/null |
  tessera compress -z - -o - > field.out
tessera compress verify field.f32 field.out -2 100 40 -M ABS 0.01
