# --help lists float32 as the raw default, "-" for standard streams and the exit codes.
tessera compress --help
