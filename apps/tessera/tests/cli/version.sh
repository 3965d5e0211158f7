# --version prints the version, the revision and the build type.
tessera --version
