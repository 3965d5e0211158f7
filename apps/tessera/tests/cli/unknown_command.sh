# An unknown command is a usage error that lists the commands.
tessera bogus
