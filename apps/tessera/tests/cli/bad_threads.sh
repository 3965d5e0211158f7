# --threads must be at least 1.
tessera --threads 0 doctor
