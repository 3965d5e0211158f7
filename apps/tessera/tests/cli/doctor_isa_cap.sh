# TESSERA_ISA caps the level kernels dispatch to.
TESSERA_ISA=scalar tessera doctor | grep "^  kernels"
