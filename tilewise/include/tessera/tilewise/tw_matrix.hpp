// The packed tile-wise weight format: per tile, its kept rows and columns and the dense K_t × width
// block of kept weights, row-major and zero-padded to whole kernel panels, so a TW-GEMM
// micro-kernel reads whole vectors of a tile's block with no gather on the weight side; plus the
// single weights kept outside the tiles (TEW's restored elements), by column. Serialised as .tw
// files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/view.hpp"
#include "tessera/tilewise/tile_pattern.hpp"

namespace tessera::tilewise {

/// Columns of a tile block are padded to a multiple of this (two AVX-512 or four AVX2 vectors).
inline constexpr std::size_t kPanelWidth = 32;

/// Weights kept outside the tiles, by column (compressed sparse columns over the columns that have
/// any): column columns[c] has the elements [offsets[c], offsets[c + 1]), rows increasing.
struct RestoredElements {
  std::vector<std::uint32_t> columns;   // increasing
  std::vector<std::size_t> offsets{0};  // columns.size() + 1 entries
  std::vector<std::uint32_t> rows;      // per element
  std::vector<float> values;            // per element
};

/// W in tile-wise form. Immutable once packed.
class TwMatrix {
 public:
  TwMatrix() = default;

  /// Packs the weights `w` (k × n, any strides) kept by `pattern` (validated; its shape must
  /// match). With `kept` (k × n row-major, nonzero = kept; TEW), the weights it keeps outside the
  /// tiles are packed as restored elements.
  static TwMatrix pack(const TilePattern& pattern, View<const float, 2> w,
                       std::span<const std::uint8_t> kept = {});

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
  /// Columns of W in no tile, increasing (without restored elements their outputs are zero).
  std::span<const std::uint32_t> pruned_columns() const { return pruned_columns_; }
  /// The weights kept outside the tiles (none unless packed with a TEW mask).
  const RestoredElements& restored() const { return restored_; }
  /// Weights kept: the tiles' and the restored ones.
  std::size_t kept_weights() const { return pattern_.kept_weights() + restored_.rows.size(); }

  /// The masked dense matrix: w where the pattern keeps it, 0 elsewhere; (k, n) row-major.
  AlignedBuffer<float> unpack() const;

  /// The .tw bytes: magic, version, shape, tiles (delta varints), kept weights (f32 little-endian,
  /// without padding), restored elements (delta varints of their column-major positions, then
  /// f32 values), CRC32C of everything before it.
  std::vector<std::byte> serialize() const;
  /// Parses .tw bytes, checking every field and the checksum; errors name `source`.
  static TwMatrix deserialize(std::span<const std::byte> bytes, const std::string& source);

 private:
  void build_layout();
  void read_restored(ByteReader& in, const std::string& source);

  TilePattern pattern_;
  std::vector<std::size_t>
      offsets_;  // start of each tile's block in values_; one past the end last
  std::vector<std::uint8_t> contiguous_;
  std::vector<std::uint32_t> pruned_columns_;
  AlignedBuffer<float> values_;
  RestoredElements restored_;
};

/// Whether `bytes` begin with the .tw magic (how a stream of unknown format, such as standard
/// input, is told apart from .npy).
bool has_tw_magic(std::span<const std::byte> bytes);

/// TwMatrix::deserialize of a file's bytes; errors name the path.
TwMatrix read_tw(const std::filesystem::path& path);
/// Writes `w` as a .tw file atomically (no partial file on failure).
void write_tw(const std::filesystem::path& path, const TwMatrix& w);

}  // namespace tessera::tilewise
