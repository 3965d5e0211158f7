// The kernel benchmark's cases: each checks TW-GEMM against oneDNN before timing it, TEW cases
// restore what they are asked to, and bad cases name the field at fault.
#include "tessera/tilewise/kernel_bench.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::tilewise {
namespace {

using tessera::testing::expect_error;

TEST(KernelBench, ChecksTwGemmAgainstOneDnnThenTimesBoth) {
  KernelBench bench({100, 96, 24, 32, 0.8, 1, 5});
  BenchOptions options;
  options.budget_seconds = 0;
  const Comparison c = bench.against_onednn(options);
  EXPECT_EQ(c.samples_a.size(), 5u);
  EXPECT_EQ(c.name_b, "onednn_sgemm_dense");
  EXPECT_EQ(c.extra["m"], 24);
  EXPECT_NEAR(c.extra["achieved_sparsity"].get<double>(), 0.8, 0.01);
  // The masked product differs from the dense one: the check compares like with like.
  EXPECT_FALSE(close_to(bench.masked_product(), bench.dense_product()));
}

TEST(KernelBench, TewCasesRestoreTheAskedFractionAndPassTheCheck) {
  KernelBench bench({256, 256, 20, 64, 0.75, 1, 2, 0.05});
  BenchOptions options;
  options.budget_seconds = 0;
  const Comparison c = bench.against_onednn(options);  // checks TW-GEMM + restored first
  EXPECT_NEAR(c.extra["achieved_sparsity"].get<double>(), 0.75, 0.01);
}

TEST(KernelBench, Bf16CasesCheckAgainstOneDnnsBf16MatmulThenTimeIt) {
  const KernelCase c{100, 96, 30, 32, 0.75, 1, 5, 0.02, Precision::kBf16};
  if (!tw_gemm_bf16_runs_here()) {
    expect_error([&] { KernelBench bench(c); },
                 {.input = "KernelCase::precision", .contains = "needs AVX512_BF16"});
    GTEST_SKIP() << "TW-GEMM bf16 needs AVX512_BF16; this machine refuses bf16 cases, as checked";
  }
  KernelBench bench(c);
  BenchOptions options;
  options.budget_seconds = 0;
  const Comparison r = bench.against_onednn(options);  // checks TW-GEMM bf16 + restored first
  EXPECT_EQ(r.name_a, "tw_gemm_bf16");
  EXPECT_EQ(r.name_b, "onednn_bf16_matmul_dense");
  EXPECT_EQ(r.extra["precision"], "bf16");
  EXPECT_FALSE(close_to(bench.masked_product(), bench.dense_product()));
}

TEST(KernelBench, CloseToComparesAgainstTheLargestMagnitude) {
  const std::vector<float> reference{100.0f, -1.0f, 0.5f};
  EXPECT_TRUE(close_to(std::vector<float>{100.0f, -1.005f, 0.5f}, reference));
  EXPECT_FALSE(close_to(std::vector<float>{100.0f, -1.02f, 0.5f}, reference));
  EXPECT_FALSE(close_to(std::vector<float>{100.0f, -1.0f}, reference));
  EXPECT_FALSE(close_to(std::vector<float>{100.0f, std::nanf(""), 0.5f}, reference));
}

TEST(KernelBench, BadCasesNameTheirField) {
  const auto expect_bad = [](const KernelCase& c, const char* field) {
    expect_error([&] { KernelBench bench(c); }, {.input = field, .code = ExitCode::kUsage});
  };
  expect_bad({0, 96, 24, 32, 0.5, 1, 1}, "KernelCase::n");
  expect_bad({64, 96, 0, 32, 0.5, 1, 1}, "KernelCase::m");
  expect_bad({64, 96, 24, 32, 0.5, 0, 1}, "KernelCase::threads");
  expect_bad({64, 64, 8, 32, 0.97, 1, 1, 0.05}, "KernelCase::restored");  // 1.02 > 1
}

}  // namespace
}  // namespace tessera::tilewise
