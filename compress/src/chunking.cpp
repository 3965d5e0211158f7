// Chunk geometry: which values a chunk holds and which Lorenzo stencil applies to them.
#include "tessera/compress/chunking.hpp"

#include <algorithm>

#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {
std::size_t slice_count(std::span<const std::size_t> shape) {
  return shape.size() == 4 ? shape[0] * shape[1] : shape[0];
}
std::size_t values_per_slice(std::span<const std::size_t> shape) {
  std::size_t n = 1;
  for (std::size_t d = shape.size() == 4 ? 2 : 1; d < shape.size(); ++d) n *= shape[d];
  return n;
}
}  // namespace

Chunking::Chunking(std::span<const std::size_t> shape, std::size_t slices_per_chunk)
    : rank_(shape.size()),
      slices_(rank_ >= 1 ? slice_count(shape) : 0),
      slice_values_(rank_ >= 1 ? values_per_slice(shape) : 0),
      rows_(rank_ >= 3 ? shape[rank_ - 2] : 1),
      cols_(rank_ >= 2 ? shape[rank_ - 1] : 1),
      planes_per_volume_(rank_ == 4 ? shape[1] : 0),
      slices_per_chunk_(slices_per_chunk) {
  if (rank_ < 1 || rank_ > 4 || slices_per_chunk == 0) {
    throw Error("chunking", "needs 1 to 4 dimensions and at least one slice per chunk");
  }
}

std::size_t automatic_chunk_values(std::size_t values) {
  return std::clamp(values / 8, kMinAutoChunkValues, kDefaultChunkValues);
}

std::size_t Chunking::slices_for(std::span<const std::size_t> shape, std::size_t target_values) {
  return std::max<std::size_t>(1, target_values / values_per_slice(shape));
}

std::size_t Chunking::first_value(std::size_t chunk) const {
  return chunk * slices_per_chunk_ * slice_values_;
}

std::size_t Chunking::values(std::size_t chunk) const {
  const std::size_t first = chunk * slices_per_chunk_;
  return (std::min(slices_, first + slices_per_chunk_) - first) * slice_values_;
}

SlabGeometry Chunking::geometry(std::size_t chunk) const {
  const std::size_t first = chunk * slices_per_chunk_;
  const std::size_t slices = std::min(slices_, first + slices_per_chunk_) - first;
  switch (rank_) {
    case 1:
      return {1, 1, slices, 0, 0};
    case 2:
      return {1, slices, cols_, 0, 0};
    default:
      return {slices, rows_, cols_, first, planes_per_volume_};
  }
}

}  // namespace tessera::compress
