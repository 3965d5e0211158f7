// Matrix layouts that fast paths recognise in a format: CSR-like (dense outer, compressed unique
// inner) and COO-like (compressed non-unique outer, singleton inner), in either mode order.
#pragma once

#include <algorithm>

#include "tessera/sparse/format.hpp"

namespace tessera::sparse::detail {

inline bool unblocked(const FormatSpec& f) {
  return std::all_of(f.block.begin(), f.block.end(), [](std::uint32_t b) { return b == 1; });
}

/// dense(outer) · compressed(inner) of a matrix: the outer dimension (0 for CSR, 1 for CSC), or -1.
inline int compressed_outer(const FormatSpec& f) {
  if (f.order() != 2 || !unblocked(f) || f.levels.size() != 2) return -1;
  const LevelSpec& a = f.levels[0];
  const LevelSpec& b = f.levels[1];
  const bool ok = a.kind == LevelKind::kDense && b.kind == LevelKind::kCompressed && b.unique &&
                  a.part == LevelPart::kWhole && b.part == LevelPart::kWhole;
  return ok ? static_cast<int>(a.dimension) : -1;
}

/// compressed-non-unique(outer) · singleton(inner) of a matrix: the outer dimension, or -1.
inline int coo_outer(const FormatSpec& f) {
  if (f.order() != 2 || !unblocked(f) || f.levels.size() != 2) return -1;
  const LevelSpec& a = f.levels[0];
  const LevelSpec& b = f.levels[1];
  const bool ok = a.kind == LevelKind::kCompressed && !a.unique &&
                  b.kind == LevelKind::kSingleton && a.part == LevelPart::kWhole &&
                  b.part == LevelPart::kWhole;
  return ok ? static_cast<int>(a.dimension) : -1;
}

}  // namespace tessera::sparse::detail
