// TW-GEMM kernels (scalar reference, AVX2+FMA, AVX-512) on the parallel driver
// (tw_gemm_driver.hpp), and their records in core's kernel registry ("tilewise.tw_gemm").
#include "tessera/tilewise/tw_gemm.hpp"

#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/core/prefetch.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/tilewise/tw_gemm_bf16.hpp"
#include "tw_gemm_driver.hpp"

namespace tessera::tilewise {

namespace {

constexpr std::size_t kKRange = 512;  // original K rows per pass: a row group's panel stays in L1

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
void add_restored_scalar(const float* a, std::size_t lda, const RestoredElements& r,
                         std::size_t /*k*/, std::size_t row_begin, std::size_t row_end, float* c,
                         std::size_t ldc) {
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
using RestoredKernel = void (*)(const float* a, std::size_t lda, const RestoredElements& r,
                                std::size_t k, std::size_t row_begin, std::size_t row_end, float* c,
                                std::size_t ldc);

// A record's run: the shared driver over this instruction set's kernels.
template <RowKernel run, RestoredKernel add_restored>
void drive(const TwGemmProblem& p) {
  detail::drive(
      p.a, p.w, p.c, p.schedule,
      [&p](const float* a, std::size_t lda, Range rows, Range tiles, float* c, std::size_t ldc,
           const TwSchedule& schedule) { run(a, lda, p.w, rows, tiles, c, ldc, schedule); },
      [&p](const float* a, std::size_t lda, std::size_t row_begin, std::size_t row_end, float* c,
           std::size_t ldc) {
        add_restored(a, lda, p.w.restored(), p.w.k(), row_begin, row_end, c, ldc);
      });
}

}  // namespace

namespace detail {

void add_restored_avx2(const float* a, std::size_t lda, const RestoredElements& r, std::size_t k,
                       std::size_t row_begin, std::size_t row_end, float* c, std::size_t ldc) {
  avx2::add_restored(a, lda, r, k, row_begin, row_end, c, ldc);
}

}  // namespace detail

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
// Enrolled at start-up, with TW-GEMM in bf16's registry, so that every program that links TW-GEMM
// lists both (a static library links tw_gemm_bf16.o only where something refers to it).
const auto& kTwGemmKernels = tw_gemm_kernels();
const auto& kTwGemmBf16Kernels = tw_gemm_bf16_kernels();
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
