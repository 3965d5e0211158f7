# --help lists every command and ends with worked examples.
tessera --help
