# A command one edit away from a real one gets a suggestion.
tessera doctr
