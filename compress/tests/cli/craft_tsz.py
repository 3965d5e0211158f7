#!/usr/bin/env python3
"""Writes a .tsz stream whose header claims a smaller slowest dimension, with the header's and the
stream's checksums recomputed, so that only consistency checks can catch it (format.hpp has the
layout). Usage: craft_tsz.py IN OUT BY (the new dimension must take as many varint bytes)."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ["TESSERA_SOURCE_DIR"], "core", "testing"))
from crc32c import crc32c  # noqa: E402


def varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        if byte < 0x80:
            return value, at
        shift += 7


def encode_varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    return out + bytes([value])


source, target, by = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(source, "rb").read())
header_bytes, header = varint(data, 10)  # after the 8-byte magic and the u16 version
first_dim_at = header + 2                # after the type and rank bytes
dim, end = varint(data, first_dim_at)
smaller = encode_varint(dim - by)
assert len(smaller) == end - first_dim_at, "the new dimension must keep its varint length"
data[first_dim_at:end] = smaller
data[header + header_bytes:header + header_bytes + 4] = struct.pack(
    "<I", crc32c(data[header:header + header_bytes]))
data[-8:-4] = struct.pack("<I", crc32c(data[:-8]))
open(target, "wb").write(data)
