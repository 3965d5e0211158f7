# An unknown option of a command is a usage error naming it.
tessera doctor --bogus
