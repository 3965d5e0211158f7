// TW-GEMM kernels (scalar reference, AVX2+FMA, AVX-512), the parallel driver they share, and their
// records in core's kernel registry ("tilewise.tw_gemm").
#include "tessera/tilewise/tw_gemm.hpp"

#include <fmt/format.h>
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "tessera/core/cache_sizes.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/core/prefetch.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::tilewise {

namespace {

constexpr std::size_t kKRange = 512;  // original K rows per pass: a row group's panel stays in L1
// The micro-kernel's default distance of the fetch of W's rows ahead: L2's latency outruns the
// hardware's stride prefetch on rows a block width apart.
constexpr std::size_t kDefaultPrefetchRows = 16;

// The reference: for each output, the sum over its tile's kept rows in increasing order.
void run_scalar(const float* a, std::size_t lda, const TwMatrix& w, Range rows, Range tiles,
                float* c, std::size_t ldc, const TwSchedule& /*schedule*/) {
  for (std::size_t t = tiles.begin; t < tiles.end; ++t) {
    const Tile& tile = w.pattern().tiles[t];
    const std::size_t width = w.block_width(t);
    const float* block = w.block(t).data();
    for (std::size_t m = rows.begin; m < rows.end; ++m) {
      for (std::size_t j = 0; j < tile.columns.size(); ++j) {
        float sum = 0.0f;
        for (std::size_t k = 0; k < tile.rows.size(); ++k) {
          sum += a[m * lda + tile.rows[k]] * block[k * width + j];
        }
        c[m * ldc + tile.columns[j]] = sum;
      }
    }
  }
}

// The reference of the element-wise pass: each output's restored elements summed in row order.
void add_restored_scalar(const float* a, std::size_t lda, const TwMatrix& w, std::size_t row_begin,
                         std::size_t row_end, float* c, std::size_t ldc) {
  const RestoredElements& r = w.restored();
  for (std::size_t m = row_begin; m < row_end; ++m) {
    for (std::size_t col = 0; col < r.columns.size(); ++col) {
      float sum = 0.0f;
      for (std::size_t e = r.offsets[col]; e < r.offsets[col + 1]; ++e) {
        sum += a[m * lda + r.rows[e]] * r.values[e];
      }
      c[m * ldc + r.columns[col]] += sum;
    }
  }
}

TESSERA_ISA_REGION_AVX2_FMA
namespace avx2 {
struct Simd {
  using V = __m256;
  static constexpr std::size_t kLanes = 8;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V broadcast(float x) { return _mm256_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static V zero() { return _mm256_setzero_ps(); }
};
constexpr std::size_t kRows = 6;  // 6 × 2 accumulators of the 16 ymm registers
#include "tw_gemm_kernel.inc"
}  // namespace avx2
TESSERA_ISA_REGION_END

TESSERA_ISA_REGION_AVX512
namespace avx512 {
struct Simd {
  using V = __m512;
  static constexpr std::size_t kLanes = 16;
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V broadcast(float x) { return _mm512_set1_ps(x); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V zero() { return _mm512_setzero_ps(); }
};
constexpr std::size_t kRows = 12;  // 12 × 2 accumulators of the 32 zmm registers
#include "tw_gemm_kernel.inc"
}  // namespace avx512
TESSERA_ISA_REGION_END

// C[rows, the columns of tiles] from A's rows lda apart, into C's rows ldc apart, under a resolved
// schedule (run); C[rows, restored columns] += the restored elements' products (add_restored).
using RowKernel = void (*)(const float* a, std::size_t lda, const TwMatrix& w, Range rows,
                           Range tiles, float* c, std::size_t ldc, const TwSchedule& schedule);
using RestoredKernel = void (*)(const float* a, std::size_t lda, const TwMatrix& w,
                                std::size_t row_begin, std::size_t row_end, float* c,
                                std::size_t ldc);

// Rows of A per block: a multiple of both kernels' register blocks (12 and 6 rows). With several
// threads, enough work items for each to get several.
constexpr std::size_t kRowGranule = 12;
constexpr std::size_t kItemsPerThread = 4;
// Rows of A a block holds by default: W comes from memory once per block (and K range), and each
// row group's panel is read once per block of W, from L2 or L3: many rows cost little.
constexpr std::size_t kDefaultRowBlock = 32 * kRowGranule;
constexpr std::size_t kRestoredRows = 4 * kRowGranule;  // rows per item of the element-wise pass

// The schedule with its zeros replaced by the defaults.
TwSchedule resolved(TwSchedule s) {
  static const TwSchedule defaults = default_tw_schedule();
  if (s.w_budget == 0) s.w_budget = defaults.w_budget;
  if (s.max_row_block == 0) s.max_row_block = defaults.max_row_block;
  if (s.prefetch_rows == 0) s.prefetch_rows = defaults.prefetch_rows;
  s.max_row_block = std::max(kRowGranule, s.max_row_block / kRowGranule * kRowGranule);
  return s;
}

// Tiles [0, tiles) cut into `slices` consecutive ranges of about equal work (kept weights).
std::vector<std::size_t> tile_slice_bounds(const TwMatrix& w, std::size_t slices) {
  std::vector<std::size_t> work(w.tile_count() + 1, 0);  // prefix sums
  for (std::size_t t = 0; t < w.tile_count(); ++t) {
    work[t + 1] = work[t] + w.pattern().tiles[t].rows.size() * w.pattern().tiles[t].columns.size();
  }
  std::vector<std::size_t> bounds(slices + 1, w.tile_count());
  bounds[0] = 0;
  for (std::size_t i = 1; i < slices; ++i) {
    const std::size_t target = work.back() * i / slices;
    bounds[i] = std::max(
        bounds[i - 1], static_cast<std::size_t>(std::lower_bound(work.begin(), work.end(), target) -
                                                work.begin()));
  }
  return bounds;
}

// The driver every record runs: checks the shapes, then work items in parallel. An item is a block
// of rows of C (as many as the schedule allows, so that W comes from memory few times) and a slice
// of the tiles (as many slices as the threads need work items, so that they share W rather than
// each streaming all of it). Every element of C is summed by one item in a fixed order, so the
// blocks and slices (which follow the thread count) change no result.
template <RowKernel run, RestoredKernel add_restored>
void drive(const TwGemmProblem& problem) {
  const View<const float, 2>& a = problem.a;
  const TwMatrix& w = problem.w;
  const View<float, 2>& c = problem.c;
  const std::size_t m = a.extent(0);
  if (a.extent(1) != w.k() || c.extent(0) != m || c.extent(1) != w.n() || a.stride(1) != 1 ||
      c.stride(1) != 1) {
    throw usage_error(
        "TW-GEMM", fmt::format("A {}x{} · W {}x{} does not give C {}x{} (or a "
                               "column stride is not 1)",
                               a.extent(0), a.extent(1), w.k(), w.n(), c.extent(0), c.extent(1)));
  }
  if (m == 0) return;
  const TwSchedule schedule = resolved(problem.schedule);
  const std::size_t threads = static_cast<std::size_t>(thread_count());
  const std::size_t items_wanted = threads == 1 ? 1 : kItemsPerThread * threads;
  std::size_t row_blocks =
      std::max<std::size_t>(1, (m + schedule.max_row_block - 1) / schedule.max_row_block);
  const std::size_t slices = std::clamp<std::size_t>((items_wanted + row_blocks - 1) / row_blocks,
                                                     1, std::max<std::size_t>(1, w.tile_count()));
  // Too few tiles to slice for every thread: shorter blocks of rows (of at least kRowGranule).
  row_blocks = std::max(row_blocks, std::min((items_wanted + slices - 1) / slices,
                                             (m + kRowGranule - 1) / kRowGranule));
  const std::size_t row_block =
      ((m + row_blocks - 1) / row_blocks + kRowGranule - 1) / kRowGranule * kRowGranule;
  row_blocks = (m + row_block - 1) / row_block;  // rounding up the rows may leave fewer blocks
  const std::vector<std::size_t> bounds = tile_slice_bounds(w, slices);
  parallel_for(row_blocks * slices, 1, [&](std::size_t, Range range) {
    for (std::size_t item = range.begin; item < range.end; ++item) {
      const std::size_t block = item / slices;
      const Range rows{block * row_block, std::min(m, (block + 1) * row_block)};
      const Range tiles{bounds[item % slices], bounds[item % slices + 1]};
      run(a.data(), a.stride(0), w, rows, tiles, c.data(), c.stride(0), schedule);
      for (std::size_t t = tiles.begin; t < tiles.end; ++t) {
        const Tile& tile = w.pattern().tiles[t];
        if (!tile.rows.empty()) continue;
        for (std::size_t r = rows.begin; r < rows.end; ++r) {
          for (std::uint32_t col : tile.columns) c(r, col) = 0.0f;
        }
      }
    }
  });
  if (w.pruned_columns().empty() && w.restored().columns.empty()) return;
  // Columns in no tile, then the restored elements, once every tile's columns are written; in
  // blocks of rows of their own, small enough for every thread to get some.
  parallel_for((m + kRestoredRows - 1) / kRestoredRows, 1, [&](std::size_t, Range range) {
    for (std::size_t block = range.begin; block < range.end; ++block) {
      const Range rows{block * kRestoredRows, std::min(m, (block + 1) * kRestoredRows)};
      for (std::size_t r = rows.begin; r < rows.end; ++r) {
        for (std::uint32_t col : w.pruned_columns()) c(r, col) = 0.0f;
      }
      if (!w.restored().columns.empty()) {
        add_restored(a.data(), a.stride(0), w, rows.begin, rows.end, c.data(), c.stride(0));
      }
    }
  });
}

}  // namespace

TwSchedule default_tw_schedule() {
  return {detect_cache_sizes().l2 / 4, kDefaultRowBlock, kDefaultPrefetchRows};
}

const KernelRegistry<TwGemmProblem>& tw_gemm_kernels() {
  static KernelRegistry<TwGemmProblem> registry("tilewise.tw_gemm",
                                                "C = A · W with W in tile-wise form (fp32)");
  // The AVX-512 kernel's element-wise pass is the AVX2 one: its 8-row blocks of A, transposed
  // (K × 8 floats, 32 KiB at K = 1024), stay in L1, where 16-row blocks do not; measured 1.3x
  // faster on a 1024 x 1024 layer with 5% of its weights restored.
  static const bool filled =
      (registry
           .add(cpu_kernel("scalar", IsaLevel::kScalar,
                           "reference: each output summed over its tile's kept rows in order",
                           &drive<&run_scalar, &add_restored_scalar>))
           .add(cpu_kernel("avx2", IsaLevel::kAvx2,
                           "AVX2+FMA micro-kernel, 6 rows x 16 columns in registers",
                           &drive<&avx2::run_rows, &avx2::add_restored>))
           .add(cpu_kernel("avx512", IsaLevel::kAvx512,
                           "AVX-512 micro-kernel, 12 rows x 32 columns; AVX2 element-wise pass",
                           &drive<&avx512::run_rows, &avx2::add_restored>)),
       true);
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links TW-GEMM lists it.
const auto& kTwGemmKernels = tw_gemm_kernels();
}  // namespace

const TwKernel& tw_kernel(std::string_view name) {
  if (name == "auto") return tw_gemm_kernels().preferred();
  return tw_gemm_kernels().find(name, "tw_kernel(name)");
}

void tw_gemm(View<const float, 2> a, const TwMatrix& w, View<float, 2> c, const TwKernel& kernel,
             TwSchedule schedule) {
  tw_gemm_kernels().run(kernel, TwGemmProblem{a, w, c, schedule});
}

}  // namespace tessera::tilewise
