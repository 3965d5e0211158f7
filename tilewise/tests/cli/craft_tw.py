#!/usr/bin/env python3
"""Writes a .tw file that claims fewer rows (K) than its tiles use, with its checksum recomputed,
so that only the consistency checks of TwMatrix::deserialize can catch it (tw_matrix.cpp has the
layout). Usage: craft_tw.py IN OUT K (K must take as many varint bytes as the file's)."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ["TESSERA_SOURCE_DIR"], "core", "testing"))
from crc32c import crc32c  # noqa: E402

source, target, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(source, "rb").read())
at = 10  # after the magic "TWSPARSE" and the u16 version
end = at
while data[end] >= 0x80:
    end += 1
end += 1
encoded = bytearray()
while k >= 0x80:
    encoded.append(k & 0x7F | 0x80)
    k >>= 7
encoded.append(k)
assert len(encoded) == end - at, "K must keep its varint length"
data[at:end] = encoded
data[-4:] = struct.pack("<I", crc32c(data[:-4]))
open(target, "wb").write(data)
