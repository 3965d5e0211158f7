# --help of tilewise and of prune end with worked examples.
tessera tilewise --help && tessera tilewise prune --help
