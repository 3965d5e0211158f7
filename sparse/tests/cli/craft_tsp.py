"""Writes a copy of a .tsp file that is consistent with its checksum but not with itself, for the
reliability suite: `canonical` clears the canonical flag of a tensor that is not COO; `rows` makes
the first dimension 2^32 - 1 (its levels no longer fit it).

Usage: craft_tsp.py <in.tsp> <out.tsp> canonical|rows
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ["TESSERA_SOURCE_DIR"], "core", "testing"))
from crc32c import crc32c  # noqa: E402

data = bytearray(open(sys.argv[1], "rb").read()[:-4])
name_length = data[10]  # a varint below 128: the format text's length
type_at = 11 + name_length
if sys.argv[3] == "canonical":
    data[type_at + 1] = 0
else:
    dims_at = type_at + 3  # after the type, the flag and the dimension count (a one-byte varint)
    data[dims_at:dims_at + 4] = struct.pack("<I", 0xFFFFFFFF)
open(sys.argv[2], "wb").write(bytes(data) + struct.pack("<I", crc32c(bytes(data))))
