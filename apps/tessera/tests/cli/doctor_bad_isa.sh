# An unknown TESSERA_ISA level is a usage error naming the variable.
TESSERA_ISA=mmx tessera doctor
