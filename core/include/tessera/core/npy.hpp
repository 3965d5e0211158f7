// NumPy .npy files (format versions 1.0 to 3.0), how weights and activations travel between tessera
// and Python: little-endian float32 arrays in C order, read with every header field checked and
// written atomically as version 1.0.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/buffer.hpp"

namespace tessera {

/// A float32 array and its shape (C order: the last dimension varies fastest).
struct NpyArray {
  std::vector<std::size_t> shape;
  AlignedBuffer<float> values;
};

/// Parses .npy bytes: descr '<f4' (little-endian float32), fortran_order False, any shape. Throws
/// tessera::Error naming `source` and the problem otherwise (bad magic, version, header, dtype,
/// Fortran order, or a data size that does not match the shape).
NpyArray parse_npy(std::span<const std::byte> bytes, const std::string& source);

/// parse_npy of a file; errors name the path.
NpyArray read_npy(const std::filesystem::path& path);

/// The .npy (version 1.0) bytes of a float32 array of `shape` (values.size() must match).
std::vector<std::byte> encode_npy(std::span<const std::size_t> shape,
                                  std::span<const float> values);

/// Writes encode_npy's bytes atomically (no partial file on failure).
void write_npy(const std::filesystem::path& path, std::span<const std::size_t> shape,
               std::span<const float> values);

}  // namespace tessera
