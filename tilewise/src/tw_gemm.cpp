// TW-GEMM kernels (scalar reference, AVX2+FMA, AVX-512), their registry and the parallel driver.
#include "tessera/tilewise/tw_gemm.hpp"

#include <fmt/format.h>
#include <immintrin.h>

#include <algorithm>
#include <array>

#include "tessera/core/error.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::tilewise {

namespace {

// The reference: for each output, the sum over the tile's kept rows in increasing order.
void run_scalar(const float* a, std::size_t lda, const TwMatrix& w, std::size_t t,
                std::size_t row_begin, std::size_t row_end, float* c, std::size_t ldc) {
  const Tile& tile = w.pattern().tiles[t];
  const std::size_t width = w.block_width(t);
  const float* block = w.block(t).data();
  for (std::size_t m = row_begin; m < row_end; ++m) {
    for (std::size_t j = 0; j < tile.columns.size(); ++j) {
      float sum = 0.0f;
      for (std::size_t k = 0; k < tile.rows.size(); ++k) {
        sum += a[m * lda + tile.rows[k]] * block[k * width + j];
      }
      c[m * ldc + tile.columns[j]] = sum;
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
  static V gather(const float* base, const std::uint32_t* index) {
    const __m256i offsets = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(index));
    return _mm256_i32gather_ps(base, offsets, sizeof(float));
  }
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
  static V gather(const float* base, const std::uint32_t* index) {
    // The masked form with a zero source: GCC 12 warns on the unmasked one's undefined source.
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, _mm512_loadu_si512(index), base,
                                    sizeof(float));
  }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static V zero() { return _mm512_setzero_ps(); }
};
constexpr std::size_t kRows = 12;  // 12 × 2 accumulators of the 32 zmm registers
#include "tw_gemm_kernel.inc"
}  // namespace avx512
TESSERA_ISA_REGION_END

constexpr std::array<TwKernel, 3> kKernels = {{
    {"scalar", IsaLevel::kScalar, &run_scalar},
    {"avx2", IsaLevel::kAvx2, &avx2::run_tile},
    {"avx512", IsaLevel::kAvx512, &avx512::run_tile},
}};

// Rows of A per work item: a multiple of both kernels' register blocks.
constexpr std::size_t kRowBlock = 96;

}  // namespace

std::span<const TwKernel> tw_kernels() { return kKernels; }

const TwKernel& tw_kernel(std::string_view name) {
  const IsaLevel level = dispatch_isa_level();
  if (name == "auto") {
    const TwKernel* best = &kKernels[0];
    for (const TwKernel& k : kKernels) {
      if (k.isa <= level && k.isa >= best->isa) best = &k;
    }
    return *best;
  }
  for (const TwKernel& k : kKernels) {
    if (k.name != name) continue;
    if (k.isa > level) {
      throw usage_error("kernel", fmt::format("'{}' needs {}, this CPU (or TESSERA_ISA) allows {}",
                                              name, to_string(k.isa), to_string(level)));
    }
    return k;
  }
  throw usage_error("kernel", fmt::format("unknown TW-GEMM kernel '{}' (scalar, avx2, avx512 or "
                                          "auto)",
                                          name));
}

void tw_gemm(View<const float, 2> a, const TwMatrix& w, View<float, 2> c, const TwKernel& kernel) {
  const std::size_t m = a.extent(0);
  if (a.extent(1) != w.k() || c.extent(0) != m || c.extent(1) != w.n() || a.stride(1) != 1 ||
      c.stride(1) != 1) {
    throw usage_error(
        "TW-GEMM", fmt::format("A {}x{} · W {}x{} does not give C {}x{} (or a "
                               "column stride is not 1)",
                               a.extent(0), a.extent(1), w.k(), w.n(), c.extent(0), c.extent(1)));
  }
  const std::size_t row_blocks = (m + kRowBlock - 1) / kRowBlock;
  const std::size_t items = w.tile_count() * row_blocks;
  // Work items: (block of rows, tile); each C element belongs to exactly one. Consecutive items
  // share their rows of A, which stay in cache while every tile gathers from them; the packed
  // weights (all tiles) are read again for each block of rows.
  parallel_for(items, 1, [&](std::size_t, Range range) {
    for (std::size_t item = range.begin; item < range.end; ++item) {
      const std::size_t t = item % w.tile_count();
      const std::size_t row_begin = item / w.tile_count() * kRowBlock;
      const std::size_t row_end = std::min(m, row_begin + kRowBlock);
      if (w.pattern().tiles[t].rows.empty()) {
        for (std::size_t r = row_begin; r < row_end; ++r) {
          for (std::uint32_t col : w.pattern().tiles[t].columns) c(r, col) = 0.0f;
        }
        continue;
      }
      kernel.run(a.data(), a.stride(0), w, t, row_begin, row_end, c.data(), c.stride(0));
    }
  });
  for (std::size_t r = 0; r < m; ++r) {
    for (std::uint32_t col : w.pruned_columns()) c(r, col) = 0.0f;
  }
}

}  // namespace tessera::tilewise
