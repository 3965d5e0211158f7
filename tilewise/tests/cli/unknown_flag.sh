# An unknown flag is a usage error.
tessera tilewise prune -i fc1.npy -o x.npy --bogus
