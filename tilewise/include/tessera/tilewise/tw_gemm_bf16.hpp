// TW-GEMM in bf16: C = A · W with A and W's kept weights in bf16 and the sums in fp32, on
// AVX512_BF16's dot products of pairs (vdpbf16ps: 32 products into 16 fp32 sums per instruction,
// twice the products of an fp32 FMA). Each tile's kept rows are packed in pairs within ranges of
// kBf16PairRange rows of K, the two weights of a pair and column side by side. The kernel keeps a
// range of A's rows transposed (K × 16 rows), so that one pair of loads and an interleave give a
// pair's values for every row of a group, and multiplies them with the tile's block in a 12-row ×
// 32-column register block. The work items, the columns in no tile and the restored elements (TEW)
// are as in fp32 (tw_gemm.hpp, tw_schedule.hpp). Runs where the CPU has AVX512_BF16
// (tw_gemm_bf16_runs_here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/kernel_registry.hpp"
#include "tessera/core/view.hpp"
#include "tessera/tilewise/tw_matrix.hpp"
#include "tessera/tilewise/tw_schedule.hpp"

namespace tessera::tilewise {

/// Rows of K within which kept rows are paired: a tile's pairs never span two such ranges.
inline constexpr std::size_t kBf16PairRange = 512;
static_assert(kBf16PairRange < 65536, "pair rows are 16-bit offsets within their range");

/// W in tile-wise form with its kept weights rounded to bf16 (nearest even). Immutable.
class TwMatrixBf16 {
 public:
  TwMatrixBf16() = default;
  /// Rounds the kept weights of `w` (the tiles' and the restored ones) to bf16 and packs the
  /// tiles' in pairs of rows within each range of kBf16PairRange rows.
  explicit TwMatrixBf16(const TwMatrix& w);

  const TilePattern& pattern() const { return pattern_; }
  std::size_t k() const { return pattern_.k; }
  std::size_t n() const { return pattern_.n; }
  std::size_t tile_count() const { return pattern_.tiles.size(); }
  /// Row stride of tile t's pairs, in pairs: its column count rounded up to kPanelWidth.
  std::size_t block_width(std::size_t t) const { return widths_[t]; }
  /// Tile t's kept rows in pairs, range after range: pair_count(t) × block_width(t) words,
  /// row-major. Word [p][j] holds the bf16 weights of column j in the pair's two rows (low half,
  /// high half); padding columns are zero.
  std::span<const std::uint32_t> pairs(std::size_t t) const;
  /// Tile t's pairs before each range of kBf16PairRange rows of K, and in all (ranges + 1 values).
  std::span<const std::uint32_t> range_pairs(std::size_t t) const;
  /// Tile t's pairs' rows, two per pair, as offsets from the start of their range; the second row
  /// of a range's odd last kept row is kBf16PairRange (its weights are zero).
  std::span<const std::uint16_t> pair_rows(std::size_t t) const;
  /// Whether tile t's columns are consecutive.
  bool contiguous_columns(std::size_t t) const { return contiguous_[t] != 0; }
  /// Columns of W in no tile, increasing.
  std::span<const std::uint32_t> pruned_columns() const { return pruned_columns_; }
  /// The weights kept outside the tiles, their values rounded to bf16 (as floats).
  const RestoredElements& restored() const { return restored_; }

  /// The masked dense matrix of the bf16 weights, as floats: (k, n) row-major.
  AlignedBuffer<float> unpack() const;

 private:
  TilePattern pattern_;
  std::vector<std::size_t>
      offsets_;  // start of each tile's pairs in values_; one past the end last
  std::vector<std::size_t> widths_;
  std::vector<std::uint32_t> range_pairs_;  // (ranges + 1) per tile
  std::vector<std::size_t> pair_offsets_;   // start of each tile's pairs in pair_rows_, in pairs
  std::vector<std::uint16_t> pair_rows_;
  std::vector<std::uint8_t> contiguous_;
  std::vector<std::uint32_t> pruned_columns_;
  AlignedBuffer<std::uint32_t> values_;
  RestoredElements restored_;
};

/// TW-GEMM in bf16's arguments: C = A · W, a (m, k) of bf16 bits and c (m, n), row-major with unit
/// column stride.
struct TwGemmBf16Problem {
  View<const std::uint16_t, 2> a;
  const TwMatrixBf16& w;
  View<float, 2> c;
  TwSchedule schedule{};
};

/// "tilewise.tw_gemm_bf16" in core's kernel registry: the record avx512_bf16, which runs where the
/// CPU has AVX512_BF16 and TESSERA_ISA allows AVX-512.
const KernelRegistry<TwGemmBf16Problem>& tw_gemm_bf16_kernels();

/// Whether TW-GEMM in bf16 runs on this machine.
bool tw_gemm_bf16_runs_here();
/// Why it does not ("needs AVX512_BF16, which this CPU lacks", or TESSERA_ISA's cap); empty where
/// it runs.
std::string tw_gemm_bf16_unavailable();

/// C = A · W with A's values in bf16: every element of C is written, as one fp32 sum over its
/// tile's kept rows in pairs, in order, then its restored elements' sum (deterministic, whatever
/// the thread count). vdpbf16ps counts subnormal values and products as zero (the restored
/// elements' fp32 pass does not). Throws tessera::usage_error on a shape mismatch, then
/// tessera::Error naming "TW-GEMM bf16" where it does not run here.
void tw_gemm_bf16(View<const std::uint16_t, 2> a, const TwMatrixBf16& w, View<float, 2> c,
                  TwSchedule schedule = {});

}  // namespace tessera::tilewise
