# The global --threads option reaches the command.
tessera --threads 1 doctor | grep "^Threads"
