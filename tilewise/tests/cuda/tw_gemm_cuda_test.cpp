// The tensor-core TW-GEMM, run as its kernel registry record, against the CPU kernel on the same
// fp16-rounded inputs, over tile widths, ragged tiles and rows (A's rows a multiple of 8, loaded 16
// bytes at a time, or not), TW-2D column maps and empty tiles; skipped where no CUDA device is
// found. The record runs exactly where a device is present.
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../tw_test_patterns.hpp"
#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/tilewise/tw_gemm.hpp"
#include "tessera/tilewise/tw_gemm_cuda_kernels.hpp"
#include "tw_matrix_cuda.hpp"

namespace tessera::tilewise {
namespace {

using testing::random_contiguous;
using testing::random_matrix;
using testing::random_two_dimensional;

bool have_device() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

AlignedBuffer<float> round_to_half(const AlignedBuffer<float>& v) {
  AlignedBuffer<float> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = __half2float(__float2half_rn(v[i]));
  return out;
}

void expect_matches_cpu(const TilePattern& pattern, std::size_t m, std::uint64_t seed) {
  const std::size_t k = pattern.k, n = pattern.n;
  const AlignedBuffer<float> a = round_to_half(random_matrix(m, k, seed));
  const AlignedBuffer<float> w = round_to_half(random_matrix(k, n, seed + 1));
  const TwMatrix tw = TwMatrix::pack(pattern, View<const float, 2>(w.data(), {k, n}));
  AlignedBuffer<float> expected(m * n);
  tw_gemm(View<const float, 2>(a.data(), {m, k}), tw, View<float, 2>(expected.data(), {m, n}));

  std::vector<__half> a_half(a.size());  // A^T: the kernel takes A K-major
  for (std::size_t r = 0; r < m; ++r) {
    for (std::size_t p = 0; p < k; ++p) a_half[p * m + r] = __float2half_rn(a[r * k + p]);
  }
  void* a_device = nullptr;
  void* c_device = nullptr;
  ASSERT_EQ(cudaMalloc(&a_device, a_half.size() * sizeof(__half) + 1), cudaSuccess);
  ASSERT_EQ(cudaMalloc(&c_device, m * n * sizeof(float) + 1), cudaSuccess);
  ASSERT_EQ(
      cudaMemcpy(a_device, a_half.data(), a_half.size() * sizeof(__half), cudaMemcpyHostToDevice),
      cudaSuccess);
  const cuda::DeviceTiles tiles(cuda::host_tiles(tw));
  cuda::tw_gemm_cuda_kernels().run(
      cuda::TwGemmCudaProblem{tiles, static_cast<const std::uint16_t*>(a_device),
                              static_cast<int>(m), static_cast<float*>(c_device)});
  std::vector<float> got(m * n);
  ASSERT_EQ(cudaMemcpy(got.data(), c_device, got.size() * sizeof(float), cudaMemcpyDeviceToHost),
            cudaSuccess);
  cudaFree(a_device);
  cudaFree(c_device);
  float scale = 0.0f;
  for (float v : expected) scale = std::max(scale, std::fabs(v));
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - expected[i]) <= 1e-4f * scale + 1e-6f) && bad++ < 3) {
      ADD_FAILURE() << "C(" << i / n << ", " << i % n << ") = " << got[i] << ", expected "
                    << expected[i];
    }
  }
  EXPECT_EQ(bad, 0u);
}

TEST(TwGemmCuda, MatchesTheCpuKernel) {
  if (!have_device()) GTEST_SKIP() << "no CUDA device";
  for (std::size_t g : {32, 64, 128, 200}) {
    for (double s : {0.0, 0.5, 0.9}) {
      expect_matches_cpu(random_contiguous(300, 333, g, s, 7), 301, 11);  // ragged rows, tiles
      expect_matches_cpu(random_contiguous(300, 333, g, s, 8), 256, 12);  // 16-byte loads of A
      expect_matches_cpu(random_contiguous(300, 320, g, s, 9), 136, 13);  // C stored directly
    }
  }
  expect_matches_cpu(random_two_dimensional(200, 333, 64, 0.5, 0.5, 3), 130, 5);
  TilePattern empty_tiles = random_contiguous(64, 300, 128, 0.5, 9);
  empty_tiles.tiles[1].rows.clear();
  expect_matches_cpu(empty_tiles, 7, 1);
  expect_matches_cpu(TilePattern{64, 200, 32, {}}, 29, 3);  // no tiles: zeros
}

TEST(TwGemmCuda, TheRecordRunsWhereADeviceIsPresent) {
  const auto& registry = cuda::tw_gemm_cuda_kernels();
  ASSERT_EQ(registry.kernels().size(), 1u);
  EXPECT_EQ(registry.kernels()[0].backend, KernelBackend::kCuda);
  EXPECT_EQ(registry.runs_here(registry.kernels()[0]), have_device());
  if (!have_device()) {
    EXPECT_THROW((void)registry.preferred(), Error);
  }
}

TEST(TwGemmCuda, RestoredElementsAreRefused) {
  const TilePattern p = random_contiguous(16, 16, 8, 0.5, 1);
  const AlignedBuffer<float> w = random_matrix(16, 16, 2);
  const TwMatrix tew = TwMatrix::pack(p, View<const float, 2>(w.data(), {16, 16}),
                                      testing::with_restored(p, 0.3, 3));
  tessera::testing::expect_error(
      [&] { cuda::host_tiles(tew); },
      {.input = "CUDA TW-GEMM", .contains = "TEW", .code = ExitCode::kUsage});
}

}  // namespace
}  // namespace tessera::tilewise
