# A missing input fails (exit 1) naming the file, and writes nothing.
tessera compress -i absent.f32 -z field.tsz -1 100 -M ABS 0.01
code=$?
ls
exit $code
