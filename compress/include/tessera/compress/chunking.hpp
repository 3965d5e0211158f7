// How a field is cut into independently decodable chunks: slabs of whole slices of the slowest
// dimension (for 4-D fields, of the merged two slowest dimensions, so a chunk is a stack of 3-D
// planes), and how each chunk maps onto the quantizer's slab geometry.
#pragma once

#include <cstddef>
#include <span>

#include "tessera/compress/quantizer.hpp"

namespace tessera::compress {

/// Default chunk size target, in values (1 MiB of f32): large enough that per-chunk Huffman tables
/// and zero-boundary prediction cost little, small enough for parallelism and bounded memory.
inline constexpr std::size_t kDefaultChunkValues = std::size_t{1} << 18;
/// Smallest automatic chunk target: fields under 8 default chunks are cut into about 8 chunks of
/// at least this many values, so that they too compress in parallel.
inline constexpr std::size_t kMinAutoChunkValues = std::size_t{1} << 15;

/// The chunk target for a field of `values` values when none is given: depends on the field's
/// size only (never on the thread count), so the bytes do not either.
std::size_t automatic_chunk_values(std::size_t values);

class Chunking {
 public:
  /// `shape` slowest first (1-4 dims); `slices_per_chunk` >= 1.
  Chunking(std::span<const std::size_t> shape, std::size_t slices_per_chunk);

  /// Slices per chunk for a target of about `target_values` values per chunk (at least one).
  static std::size_t slices_for(std::span<const std::size_t> shape, std::size_t target_values);

  std::size_t chunk_count() const { return (slices_ + slices_per_chunk_ - 1) / slices_per_chunk_; }
  std::size_t slices_per_chunk() const { return slices_per_chunk_; }
  /// Values in one slice (1 for 1-D fields).
  std::size_t slice_values() const { return slice_values_; }
  /// Index of the chunk's first value in the field, and its number of values.
  std::size_t first_value(std::size_t chunk) const;
  std::size_t values(std::size_t chunk) const;
  /// The quantizer geometry of a chunk.
  SlabGeometry geometry(std::size_t chunk) const;

 private:
  std::size_t rank_;
  std::size_t slices_;  // along the (merged) slowest dimension
  std::size_t slice_values_;
  std::size_t rows_;               // of one plane (3-D, 4-D)
  std::size_t cols_;               // fastest dimension
  std::size_t planes_per_volume_;  // 4-D: the second-slowest dimension
  std::size_t slices_per_chunk_;
};

}  // namespace tessera::compress
