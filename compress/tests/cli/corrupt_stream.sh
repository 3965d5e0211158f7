# A .tsz with a flipped byte fails its checksum (exit 1); decoding to standard output writes nothing.
f32_ramp field.f32 4000
tessera compress -i field.f32 -z field.tsz -2 100 40 -M ABS 0.01 2>/dev/null
python3 -c '
import sys
b = bytearray(open("field.tsz", "rb").read())
b[len(b) // 2] ^= 0x40
open("bad.tsz", "wb").write(b)
'
tessera compress -z bad.tsz -o - > out.f32
code=$?
wc -c < out.f32
exit $code
