# A missing input fails (exit 1) naming the file, and writes nothing.
tessera tilewise prune -i missing.npy -o x.npy
code=$?
ls
exit $code
