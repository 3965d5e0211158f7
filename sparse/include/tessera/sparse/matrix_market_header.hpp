// What a Matrix Market file's banner and size line declare: layout, field, symmetry and sizes.
// Shared by the reader's public interface (matrix_market.hpp) and its text parser.
#pragma once

#include <cstdint>

namespace tessera::sparse {

enum class MatrixMarketField : std::uint8_t { kReal, kInteger, kComplex, kPattern };
enum class MatrixMarketSymmetry : std::uint8_t { kGeneral, kSymmetric, kSkewSymmetric, kHermitian };

/// What a file's banner and size line say.
struct MatrixMarketHeader {
  bool array = false;  // "array" (dense, column-major) rather than "coordinate"
  MatrixMarketField field = MatrixMarketField::kReal;
  MatrixMarketSymmetry symmetry = MatrixMarketSymmetry::kGeneral;
  std::uint32_t rows = 0;
  std::uint32_t cols = 0;
  /// Entries (coordinate) or values (array) as written: one triangle of symmetric storage.
  std::uint64_t entries = 0;

  bool operator==(const MatrixMarketHeader&) const = default;
};

}  // namespace tessera::sparse
