// Storage accounting: the exact bytes a tensor's arrays hold (4 per offset and coordinate, the
// 64-bit words of bitmaps and run-length symbols, the values), split into index and value bytes.
// The closed forms of the reference notes follow from it, e.g. CSR: (R + 1)·4 + nnz·(4 + b).
#pragma once

#include <cstdint>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

struct StorageBytes {
  std::uint64_t index = 0;   // offsets, coordinates, bitmap words, run-length symbols
  std::uint64_t values = 0;  // values (and a pattern tensor's presence flags under a full leaf)
  std::uint64_t total() const { return index + values; }
};

/// The bytes `tensor` holds.
StorageBytes storage_bytes(const SparseTensor& tensor);

}  // namespace tessera::sparse
