# An f64 field spanning ±1.7e308 takes a relative bound: its range, past the largest double, is
# scaled before it is taken.
python3 -c '
import struct
values = [(-1.7e308 if i % 2 else 1.7e308) * ((i % 7) / 7) for i in range(1000)]
open("big.f64", "wb").write(struct.pack("<1000d", *values))
'
tessera compress -i big.f64 -z big.tsz -d -1 1000 -M REL 1e-20 -o big.out 2>/dev/null &&
  tessera compress verify big.f64 big.out -d -1 1000 -M REL 1e-20
