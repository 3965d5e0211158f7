// The .tsp file: a tensor in any format exactly as held in memory, so that it loads without a
// conversion. Layout (little-endian): magic "TSPARSE\0", u16 version, the format text, value
// type, dimensions and flags, then per level its arrays (each a varint count and the elements),
// then the values, and a CRC32C of all bytes before it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

/// The .tsp bytes of `tensor`.
std::vector<std::byte> encode_tsp(const SparseTensor& tensor);

/// The tensor in `bytes`; tessera::Error naming `source` for a bad magic, version, checksum,
/// format or any inconsistency (check_tensor).
SparseTensor decode_tsp(std::span<const std::byte> bytes, std::string_view source);

/// Whether `bytes` start with the .tsp magic.
bool is_tsp(std::span<const std::byte> bytes);

}  // namespace tessera::sparse
