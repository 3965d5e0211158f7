// The packed tile-wise weight format: per tile, its kept rows and columns and the dense K_t × width
// block of kept weights, row-major and zero-padded to whole kernel panels, so a TW-GEMM
// micro-kernel reads whole vectors of a tile's block with no gather on the weight side. Serialised
// as .tw files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/view.hpp"
#include "tessera/tilewise/tile_pattern.hpp"

namespace tessera::tilewise {

/// Columns of a tile block are padded to a multiple of this (two AVX-512 or four AVX2 vectors).
inline constexpr std::size_t kPanelWidth = 32;

/// W in tile-wise form. Immutable once packed.
class TwMatrix {
 public:
  TwMatrix() = default;

  /// Packs the weights `w` (k × n, any strides) kept by `pattern` (validated; its shape must
  /// match).
  static TwMatrix pack(const TilePattern& pattern, View<const float, 2> w);

  const TilePattern& pattern() const { return pattern_; }
  std::size_t k() const { return pattern_.k; }
  std::size_t n() const { return pattern_.n; }
  std::size_t tile_count() const { return pattern_.tiles.size(); }

  /// Row stride of tile t's block: its column count rounded up to kPanelWidth.
  std::size_t block_width(std::size_t t) const;
  /// Tile t's block: rows × block_width(t) floats, row-major; padding columns are zero.
  std::span<const float> block(std::size_t t) const;
  /// Whether tile t's columns are consecutive (results store without a column map).
  bool contiguous_columns(std::size_t t) const { return contiguous_[t] != 0; }
  /// Columns of W in no tile, increasing (their outputs are zero).
  std::span<const std::uint32_t> pruned_columns() const { return pruned_columns_; }

  /// The masked dense matrix: w where the pattern keeps it, 0 elsewhere; (k, n) row-major.
  AlignedBuffer<float> unpack() const;

  /// The .tw bytes: magic, version, shape, tiles (delta varints), kept weights (f32 little-endian,
  /// without padding), CRC32C of everything before it.
  std::vector<std::byte> serialize() const;
  /// Parses .tw bytes, checking every field and the checksum; errors name `source`.
  static TwMatrix deserialize(std::span<const std::byte> bytes, const std::string& source);

 private:
  void build_layout();

  TilePattern pattern_;
  std::vector<std::size_t>
      offsets_;  // start of each tile's block in values_; one past the end last
  std::vector<std::uint8_t> contiguous_;
  std::vector<std::uint32_t> pruned_columns_;
  AlignedBuffer<float> values_;
};

/// TwMatrix::deserialize of a file's bytes; errors name the path.
TwMatrix read_tw(const std::filesystem::path& path);
/// Writes `w` as a .tw file atomically (no partial file on failure).
void write_tw(const std::filesystem::path& path, const TwMatrix& w);

}  // namespace tessera::tilewise
