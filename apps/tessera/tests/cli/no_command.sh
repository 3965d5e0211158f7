# Without a command, tessera says one is required.
tessera
