// TW-GEMM in bf16: W's tiles packed in pairs of kept rows, the AVX512_BF16 kernel on the shared
// driver (tw_gemm_driver.hpp), and its record in core's kernel registry ("tilewise.tw_gemm_bf16").
#include "tessera/tilewise/tw_gemm_bf16.hpp"

#include <immintrin.h>

#include <algorithm>

#include "tessera/core/bf16.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/core/prefetch.hpp"
#include "tw_gemm_driver.hpp"

namespace tessera::tilewise {

TwMatrixBf16::TwMatrixBf16(const TwMatrix& w)
    : pattern_(w.pattern()),
      pruned_columns_(w.pruned_columns().begin(), w.pruned_columns().end()),
      restored_(w.restored()) {
  const std::size_t ranges = (k() + kBf16PairRange - 1) / kBf16PairRange;
  offsets_.assign(1, 0);
  pair_offsets_.assign(1, 0);
  for (std::size_t t = 0; t < w.tile_count(); ++t) {
    const std::vector<std::uint32_t>& kept = pattern_.tiles[t].rows;
    widths_.push_back(w.block_width(t));
    contiguous_.push_back(w.contiguous_columns(t) ? 1 : 0);
    // Per range, its kept rows [first, last) in pairs; an odd last one with the zero row.
    std::uint32_t pairs = 0;
    for (std::size_t range = 0, first = 0; range < ranges; ++range) {
      range_pairs_.push_back(pairs);
      const std::size_t k0 = range * kBf16PairRange;
      std::size_t last = first;
      while (last < kept.size() && kept[last] < k0 + kBf16PairRange) ++last;
      for (std::size_t i = first; i < last; i += 2) {
        pair_rows_.push_back(static_cast<std::uint16_t>(kept[i] - k0));
        pair_rows_.push_back(
            static_cast<std::uint16_t>(i + 1 < last ? kept[i + 1] - k0 : kBf16PairRange));
        ++pairs;
      }
      first = last;
    }
    range_pairs_.push_back(pairs);
    pair_offsets_.push_back(pair_offsets_.back() + pairs);
    offsets_.push_back(offsets_.back() + pairs * widths_[t]);
  }
  values_ = AlignedBuffer<std::uint32_t>(offsets_.back());
  for (std::size_t t = 0; t < w.tile_count(); ++t) {
    // The kept rows in order are the pairs' rows in order, the zero rows left out.
    const std::size_t width = widths_[t];
    const float* block = w.block(t).data();
    const std::span<const std::uint16_t> rows = pair_rows(t);
    std::uint32_t* out = values_.data() + offsets_[t];
    std::size_t next = 0;  // kept row of the block
    for (std::size_t p = 0; p < rows.size() / 2; ++p) {
      const float* low = block + next++ * width;
      const float* high = rows[2 * p + 1] == kBf16PairRange ? nullptr : block + next++ * width;
      for (std::size_t j = 0; j < width; ++j) {
        const std::uint32_t h = high != nullptr ? to_bf16(high[j]) : 0;
        out[p * width + j] = to_bf16(low[j]) | h << 16;
      }
    }
  }
  for (float& v : restored_.values) v = from_bf16(to_bf16(v));
}

std::span<const std::uint32_t> TwMatrixBf16::pairs(std::size_t t) const {
  return {values_.data() + offsets_[t], offsets_[t + 1] - offsets_[t]};
}

std::span<const std::uint32_t> TwMatrixBf16::range_pairs(std::size_t t) const {
  const std::size_t per_tile = (k() + kBf16PairRange - 1) / kBf16PairRange + 1;
  return {range_pairs_.data() + t * per_tile, per_tile};
}

std::span<const std::uint16_t> TwMatrixBf16::pair_rows(std::size_t t) const {
  return {pair_rows_.data() + 2 * pair_offsets_[t], 2 * (pair_offsets_[t + 1] - pair_offsets_[t])};
}

AlignedBuffer<float> TwMatrixBf16::unpack() const {
  AlignedBuffer<float> dense(k() * n());
  std::fill(dense.begin(), dense.end(), 0.0f);
  for (std::size_t t = 0; t < tile_count(); ++t) {
    const Tile& tile = pattern_.tiles[t];
    const std::span<const std::uint32_t> words = pairs(t), before = range_pairs(t);
    const std::span<const std::uint16_t> rows = pair_rows(t);
    for (std::size_t range = 0; range + 1 < before.size(); ++range) {
      for (std::size_t p = before[range]; p < before[range + 1]; ++p) {
        for (std::size_t half = 0; half < 2; ++half) {
          if (rows[2 * p + half] == kBf16PairRange) continue;
          const std::size_t row = range * kBf16PairRange + rows[2 * p + half];
          for (std::size_t j = 0; j < tile.columns.size(); ++j) {
            dense[row * n() + tile.columns[j]] =
                from_bf16(static_cast<std::uint16_t>(words[p * widths_[t] + j] >> (16 * half)));
          }
        }
      }
    }
  }
  for (std::size_t col = 0; col < restored_.columns.size(); ++col) {
    for (std::size_t e = restored_.offsets[col]; e < restored_.offsets[col + 1]; ++e) {
      dense[restored_.rows[e] * n() + restored_.columns[col]] = restored_.values[e];
    }
  }
  return dense;
}

namespace {

constexpr std::size_t kRows = 12;        // 12 × 2 accumulators of the 32 zmm registers
constexpr std::size_t kLanes = 16;       // fp32 sums per vector
constexpr std::size_t kNr = 2 * kLanes;  // columns per micro-kernel call
constexpr std::size_t kGroup = 16;       // rows of a transposed panel: kRows, padded to a vector
// A row group's range of A transposed: kBf16PairRange rows of kGroup values, then a zero row (the
// partner of a range's odd last kept row).
constexpr std::size_t kPanelValues = (kBf16PairRange + 1) * kGroup;
constexpr std::size_t kMaxRangePairs = (kBf16PairRange + 1) / 2;
constexpr std::size_t kGatherAhead = 8;  // pairs whose panel rows the gather fetches ahead
static_assert(kPanelWidth % kNr == 0, "a tile's block splits into whole micro-kernel columns");

// Where row r's pair lies among a gathered pair's kGroup words: the 16-bit interleave works in
// 128-bit lanes (rows 0-3 and 8-11 from the low halves, 4-7 and 12-15 from the high halves).
constexpr std::size_t slot(std::size_t r) { return r < 4 || r >= 12 ? r : r < 8 ? r + 4 : r - 4; }

TESSERA_ISA_REGION_AVX512_BF16
namespace avx512_bf16 {

// Columns [k0, k0 + width) of rows [row, row + rows) of A into panel[k][r] (rows past `rows` and
// the zero row are zero).
inline void transpose_panel(const std::uint16_t* a, std::size_t lda, std::size_t row,
                            std::size_t rows, std::size_t k0, std::size_t width,
                            std::uint16_t* panel) {
  std::fill(panel, panel + kPanelValues, std::uint16_t{0});
  for (std::size_t r = 0; r < rows; ++r) {
    const std::uint16_t* a_row = a + (row + r) * lda + k0;
    for (std::size_t k = 0; k < width; ++k) panel[k * kGroup + r] = a_row[k];
  }
}

// The pairs' values for every row of the group: gathered[p][slot(r)] = A[r][first row of pair p]
// | A[r][second row] << 16, from the transposed panel (`rows`: two offsets per pair).
inline void gather_pairs(const std::uint16_t* panel, const std::uint16_t* rows, std::size_t pairs,
                         std::uint32_t* gathered) {
  for (std::size_t p = 0; p < pairs; ++p) {
    if (p + kGatherAhead < pairs) {  // the panel is in L2: its rows are fetched ahead
      __builtin_prefetch(panel + rows[2 * (p + kGatherAhead)] * kGroup);
      __builtin_prefetch(panel + rows[2 * (p + kGatherAhead) + 1] * kGroup);
    }
    const __m256i low =
        _mm256_load_si256(reinterpret_cast<const __m256i*>(panel + rows[2 * p] * kGroup));
    const __m256i high =
        _mm256_load_si256(reinterpret_cast<const __m256i*>(panel + rows[2 * p + 1] * kGroup));
    _mm256_store_si256(reinterpret_cast<__m256i*>(gathered + p * kGroup),
                       _mm256_unpacklo_epi16(low, high));
    _mm256_store_si256(reinterpret_cast<__m256i*>(gathered + p * kGroup + 8),
                       _mm256_unpackhi_epi16(low, high));
  }
}

// One register block: C[rows, the block's cols] (+)= the gathered pairs · the pairs of W's rows
// from `b` (rows ldb words apart, each fetched `ahead` rows before its use).
inline void multiply_pairs(std::size_t pairs, const std::uint32_t* gathered, const std::uint32_t* b,
                           std::size_t ldb, std::size_t ahead, std::size_t rows, std::size_t cols,
                           const std::uint32_t* columns, bool consecutive, bool accumulate,
                           float* c, std::size_t ldc, std::size_t row) {
  if (consecutive)
    for (std::size_t r = 0; r < rows; ++r)
      prefetch_bytes(c + (row + r) * ldc + columns[0], cols * sizeof(float));
  __m512 acc[kRows][2];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < kRows; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  // As an integer: `ahead` rows past the last may lie past W's buffer, where only fetches go.
  const std::uintptr_t b_ahead =
      reinterpret_cast<std::uintptr_t>(b) + ahead * ldb * sizeof(std::uint32_t);
  for (std::size_t p = 0; p < pairs; ++p) {
    prefetch_bytes(reinterpret_cast<const void*>(b_ahead + p * ldb * sizeof(std::uint32_t)),
                   kNr * sizeof(std::uint32_t));
    const auto b0 = reinterpret_cast<__m512bh>(_mm512_loadu_si512(b + p * ldb));
    const auto b1 = reinterpret_cast<__m512bh>(_mm512_loadu_si512(b + p * ldb + kLanes));
    const std::uint32_t* x = gathered + p * kGroup;
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kRows; ++r) {
      const auto a = reinterpret_cast<__m512bh>(_mm512_set1_epi32(static_cast<int>(x[slot(r)])));
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
    }
  }
  if (consecutive && cols == kNr && rows == kRows) {  // the usual block: straight from registers
#pragma GCC unroll 16
    for (std::size_t r = 0; r < kRows; ++r) {
      float* out = c + (row + r) * ldc + columns[0];
      for (std::size_t v = 0; v < 2; ++v) {
        _mm512_storeu_ps(
            out + v * kLanes,
            accumulate ? _mm512_add_ps(_mm512_loadu_ps(out + v * kLanes), acc[r][v]) : acc[r][v]);
      }
    }
    return;
  }
  alignas(64) float sums[kRows][kNr];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < kRows; ++r) {
    _mm512_store_ps(sums[r], acc[r][0]);
    _mm512_store_ps(sums[r] + kLanes, acc[r][1]);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    float* c_row = c + (row + r) * ldc;
    for (std::size_t j = 0; j < cols; ++j) {
      float& out = c_row[columns[j]];
      out = accumulate ? out + sums[r][j] : sums[r][j];
    }
  }
}

// C[rows, the columns of tiles]. K is taken kBf16PairRange rows at a time; each range of A is
// transposed once per row group (kGroup rows). The tiles are then taken in blocks whose pairs in
// the range fit the schedule's W budget, so that a block of W stays in L2 while every row group
// multiplies it: per row group and tile, the pairs' values are gathered from the panel once and
// multiplied with each register block's columns of the tile.
void run_rows(const std::uint16_t* a, std::size_t lda, const TwMatrixBf16& w, Range rows,
              Range tiles, float* c, std::size_t ldc, const TwSchedule& schedule) {
  const std::size_t groups = (rows.size() + kRows - 1) / kRows;
  thread_local AlignedBuffer<std::uint16_t> panels;
  thread_local AlignedBuffer<std::uint32_t> gathered;
  if (panels.size() < groups * kPanelValues)
    panels = AlignedBuffer<std::uint16_t>(groups * kPanelValues);
  if (gathered.size() < kMaxRangePairs * kGroup) {
    gathered = AlignedBuffer<std::uint32_t>(kMaxRangePairs * kGroup);
  }
  for (std::size_t range = 0, k0 = 0; k0 < w.k(); ++range, k0 += kBf16PairRange) {
    const auto first = [&](std::size_t t) { return w.range_pairs(t)[range]; };
    const auto count = [&](std::size_t t) { return w.range_pairs(t)[range + 1] - first(t); };
    for (std::size_t g = 0; g < groups; ++g) {
      const std::size_t row = rows.begin + g * kRows;
      transpose_panel(a, lda, row, std::min(kRows, rows.end - row), k0,
                      std::min(kBf16PairRange, w.k() - k0), panels.data() + g * kPanelValues);
    }
    for (std::size_t t0 = tiles.begin, t1 = tiles.begin; t0 < tiles.end; t0 = t1) {
      for (std::size_t bytes = 0; t1 < tiles.end; ++t1) {  // tiles [t0, t1): at least one
        bytes += count(t1) * w.block_width(t1) * sizeof(std::uint32_t);
        if (t1 > t0 && bytes > schedule.w_budget) break;
      }
      for (std::size_t g = 0; g < groups; ++g) {
        const std::size_t row = rows.begin + g * kRows;
        const std::size_t group_rows = std::min(kRows, rows.end - row);
        for (std::size_t t = t0; t < t1; ++t) {
          if (count(t) == 0) continue;
          const Tile& tile = w.pattern().tiles[t];
          const std::size_t ldb = w.block_width(t);
          gather_pairs(panels.data() + g * kPanelValues, w.pair_rows(t).data() + 2 * first(t),
                       count(t), gathered.data());
          for (std::size_t col = 0; col < tile.columns.size(); col += kNr) {
            multiply_pairs(count(t), gathered.data(), w.pairs(t).data() + first(t) * ldb + col, ldb,
                           schedule.prefetch_rows, group_rows,
                           std::min(kNr, tile.columns.size() - col), tile.columns.data() + col,
                           w.contiguous_columns(t), first(t) > 0, c, ldc, row);
          }
        }
      }
    }
  }
}

}  // namespace avx512_bf16
TESSERA_ISA_REGION_END

// C[rows, restored columns] += A[rows] · R: A's rows widened to fp32 (exactly), then the fp32
// pass of the restored elements.
void add_restored(const std::uint16_t* a, std::size_t lda, const TwMatrixBf16& w,
                  std::size_t row_begin, std::size_t row_end, float* c, std::size_t ldc) {
  thread_local std::vector<float> rows;
  rows.resize((row_end - row_begin) * w.k());
  for (std::size_t r = row_begin; r < row_end; ++r) {
    for (std::size_t i = 0; i < w.k(); ++i) {
      rows[(r - row_begin) * w.k() + i] = from_bf16(a[r * lda + i]);
    }
  }
  detail::add_restored_avx2(rows.data(), w.k(), w.restored(), w.k(), 0, row_end - row_begin,
                            c + row_begin * ldc, ldc);
}

// CPUID is slow under virtualisation (it traps to the hypervisor): asked once.
bool cpu_has_avx512_bf16() {
  static const bool has = detect_cpu_features().avx512_bf16;
  return has;
}

void drive(const TwGemmBf16Problem& p) {
  detail::drive(
      p.a, p.w, p.c, p.schedule,
      [&p](const std::uint16_t* a, std::size_t lda, Range rows, Range tiles, float* c,
           std::size_t ldc, const TwSchedule& schedule) {
        avx512_bf16::run_rows(a, lda, p.w, rows, tiles, c, ldc, schedule);
      },
      [&p](const std::uint16_t* a, std::size_t lda, std::size_t row_begin, std::size_t row_end,
           float* c, std::size_t ldc) { add_restored(a, lda, p.w, row_begin, row_end, c, ldc); });
}

}  // namespace

const KernelRegistry<TwGemmBf16Problem>& tw_gemm_bf16_kernels() {
  static KernelRegistry<TwGemmBf16Problem> registry(
      "tilewise.tw_gemm_bf16", "C = A · W with W in tile-wise form (bf16 inputs, fp32 sums)");
  static const bool filled = [] {
    Kernel<TwGemmBf16Problem> k;
    k.name = "avx512_bf16";
    k.isa = IsaLevel::kAvx512;
    k.description = "AVX512_BF16 micro-kernel, 12 rows x 32 columns of pair dot products";
    k.device_present = cpu_has_avx512_bf16;
    k.run = [](const TwGemmBf16Problem& p, std::span<std::byte>) { drive(p); };
    registry.add(std::move(k));
    return true;
  }();
  static_cast<void>(filled);
  return registry;
}

bool tw_gemm_bf16_runs_here() {
  const auto& registry = tw_gemm_bf16_kernels();
  return registry.runs_here(registry.kernels().front());
}

std::string tw_gemm_bf16_unavailable() {
  if (tw_gemm_bf16_runs_here()) return {};
  return cpu_has_avx512_bf16() ? "needs AVX-512, which TESSERA_ISA does not allow"
                               : "needs AVX512_BF16, which this CPU lacks";
}

void tw_gemm_bf16(View<const std::uint16_t, 2> a, const TwMatrixBf16& w, View<float, 2> c,
                  TwSchedule schedule) {
  detail::check_shapes(a.extent(0), a.extent(1), a.stride(1), w, c);
  if (const std::string why = tw_gemm_bf16_unavailable(); !why.empty()) {
    throw Error("TW-GEMM bf16", why);
  }
  const auto& registry = tw_gemm_bf16_kernels();
  registry.run(registry.kernels().front(), TwGemmBf16Problem{a, w, c, schedule});
}

}  // namespace tessera::tilewise
