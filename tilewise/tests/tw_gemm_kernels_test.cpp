// The records of "tilewise.tw_gemm": every one this CPU runs gives the scalar record's result, run
// through the registry, on shapes that are not multiples of the tile width, the block panel or the
// register blocks (with and without TEW's restored elements); lookup by name and its errors; the
// registry in the catalog that `tessera doctor` lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/generators.hpp"
#include "tessera/testing/scoped_env.hpp"
#include "tessera/tilewise/tw_gemm.hpp"
#include "tw_test_patterns.hpp"

namespace tessera::tilewise {
namespace {

using tessera::testing::ErrorMatch;
using tessera::testing::expect_error;
using tessera::testing::uniform_matrix;

struct Shape {
  std::size_t m, k, n, g;
  double sparsity;
  double restored;  // fraction of the pruned weights restored element-wise (TEW), or 0
};

// C of `kernel` on (a, w), through the registry.
AlignedBuffer<float> product(const TwKernel& kernel, const AlignedBuffer<float>& a,
                             const TwMatrix& w) {
  AlignedBuffer<float> c(a.size() / w.k() * w.n(), 12345.0f);  // every element is overwritten
  tw_gemm_kernels().run(kernel,
                        TwGemmProblem{View<const float, 2>(a.data(), {a.size() / w.k(), w.k()}), w,
                                      View<float, 2>(c.data(), {c.size() / w.n(), w.n()})});
  return c;
}

// Every runnable record against the scalar one, each element within 1e-5 of the sum of its terms'
// magnitudes (the scalar record on |A| and |W|): the scale of fp32 rounding in any order.
void expect_records_match_scalar(const Shape& s, std::uint64_t seed) {
  const AlignedBuffer<float> a = uniform_matrix(s.m, s.k, seed);
  const AlignedBuffer<float> w = uniform_matrix(s.k, s.n, seed + 1);
  const TilePattern pattern = TilePattern::random(s.k, s.n, s.g, s.sparsity, seed);
  const std::vector<std::uint8_t> kept = s.restored > 0
                                             ? testing::with_restored(pattern, s.restored, seed)
                                             : std::vector<std::uint8_t>{};
  const TwMatrix tw = TwMatrix::pack(pattern, View<const float, 2>(w.data(), {s.k, s.n}), kept);
  AlignedBuffer<float> abs_a(a.size()), abs_w(w.size());
  std::transform(a.data(), a.data() + a.size(), abs_a.data(), [](float x) { return std::fabs(x); });
  std::transform(w.data(), w.data() + w.size(), abs_w.data(), [](float x) { return std::fabs(x); });
  const TwMatrix abs_tw =
      TwMatrix::pack(pattern, View<const float, 2>(abs_w.data(), {s.k, s.n}), kept);

  const TwKernel& scalar = tw_gemm_kernels().find("scalar");
  const AlignedBuffer<float> expected = product(scalar, a, tw);
  const AlignedBuffer<float> scale = product(scalar, abs_a, abs_tw);
  for (const TwKernel& kernel : tw_gemm_kernels().kernels()) {
    if (&kernel == &scalar || !tw_gemm_kernels().runs_here(kernel)) continue;
    const AlignedBuffer<float> got = product(kernel, a, tw);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (!(std::fabs(got[i] - expected[i]) <= 1e-5f * scale[i]) && bad++ < 3) {
        ADD_FAILURE() << kernel.name << " on " << s.m << "x" << s.k << " · " << s.k << "x" << s.n
                      << " G " << s.g << ": C(" << i / s.n << ", " << i % s.n << ") = " << got[i]
                      << ", scalar " << expected[i];
      }
    }
    EXPECT_EQ(bad, 0u) << kernel.name;
  }
}

TEST(TwGemmKernels, EveryRunnableRecordMatchesTheScalarRecord) {
  // K, N and M off the tile width, the 32-column panels, the 6- and 12-row register blocks and
  // the 8- and 16-float vectors; one shape with a single element and one with restored elements.
  const Shape shapes[] = {{37, 130, 77, 32, 0.5, 0},  {101, 600, 300, 128, 0.75, 0},
                          {13, 5, 3, 4, 0.3, 0},      {1, 1, 1, 128, 0, 0},
                          {29, 257, 191, 64, 0.9, 0}, {50, 300, 130, 48, 0.6, 0.05}};
  std::uint64_t seed = 1;
  for (const Shape& s : shapes) expect_records_match_scalar(s, seed++);
}

TEST(TwGemmKernels, RecordsAreInPreferenceOrderAndInTheCatalog) {
  std::vector<std::string> names;
  for (const TwKernel& k : tw_gemm_kernels().kernels()) names.push_back(k.name);
  EXPECT_EQ(names, (std::vector<std::string>{"scalar", "avx2", "avx512"}));
  bool listed = false;
  for (const KernelListing* l : kernel_catalog()) listed |= l->operation() == "tilewise.tw_gemm";
  EXPECT_TRUE(listed);
}

TEST(TwGemmKernels, AutoIsThePreferredRecordAndNamesOutsideTheCapAreUsageErrors) {
  const tessera::testing::ScopedEnv isa("TESSERA_ISA");
  EXPECT_EQ(tw_kernel("scalar").name, "scalar");
  EXPECT_LE(tw_kernel().isa, dispatch_isa_level());
  EXPECT_EQ(&tw_kernel(), &tw_gemm_kernels().preferred());
  expect_error([] { (void)tw_kernel("avx9"); },
               ErrorMatch{.input = "tw_kernel(name)",
                          .contains = "unknown tilewise.tw_gemm kernel 'avx9' (scalar, avx2, "
                                      "avx512)",
                          .code = ExitCode::kUsage});
  isa.set("scalar");
  EXPECT_EQ(tw_kernel().name, "scalar");
  expect_error([] { (void)tw_kernel("avx2"); },
               ErrorMatch{.input = "tw_kernel(name)",
                          .contains = "'avx2' needs avx2, this CPU (or TESSERA_ISA) allows scalar",
                          .code = ExitCode::kUsage});
  // A record held from before the cap is refused, not run with instructions the cap forbids.
  const TwMatrix w = TwMatrix::pack(TilePattern::random(8, 8, 8, 0.5, 1),
                                    View<const float, 2>(uniform_matrix(8, 8, 1).data(), {8, 8}));
  AlignedBuffer<float> a(8 * 8), c(8 * 8);
  expect_error(
      [&] {
        tw_gemm(View<const float, 2>(a.data(), {8, 8}), w, View<float, 2>(c.data(), {8, 8}),
                tw_gemm_kernels().kernels()[1]);
      },
      ErrorMatch{.input = "tilewise.tw_gemm", .contains = "'avx2' cannot run this problem here"});
}

}  // namespace
}  // namespace tessera::tilewise
