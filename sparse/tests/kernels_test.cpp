// SpMV and SpMM on every format and value type against a dense reference built from the entries,
// every registered record that takes the problem against the same reference, and results that do
// not depend on the thread count.
#include "tessera/sparse/kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

template <class T>
std::vector<T> random_values(std::size_t n, std::uint64_t seed) {
  const CounterRng rng(seed, 3);
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, Complex>) {
      v[i] = Complex(rng.uniform(2 * i, -1, 1), rng.uniform(2 * i + 1, -1, 1));
    } else {
      v[i] = static_cast<T>(rng.uniform(i, -1, 1));
    }
  }
  return v;
}

// C = A·B (B: cols x k) in double (or complex double) from A's entries: the reference.
template <class T>
std::vector<T> dense_product(const SparseTensor& a, const std::vector<T>& b, std::size_t k) {
  using Wide = std::conditional_t<std::is_same_v<T, Complex>, Complex, double>;
  std::vector<Wide> c(std::size_t{a.dims[0]} * k);
  for (const auto& [x, bytes] : testing::entries_of(a)) {
    T v(1);
    if (!bytes.empty()) std::memcpy(&v, bytes.data(), sizeof v);
    for (std::size_t j = 0; j < k; ++j) {
      c[x[0] * k + j] += static_cast<Wide>(v) * static_cast<Wide>(b[x[1] * k + j]);
    }
  }
  return std::vector<T>(c.begin(), c.end());
}

// |got - want| within a few ulps of the row's magnitude (sums in another order round differently).
template <class T>
void expect_close(const std::vector<T>& got, const std::vector<T>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  const double eps = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_LE(std::abs(got[i] - want[i]), eps * (1 + std::abs(want[i]))) << what << " at " << i;
  }
}

template <class T>
void check_every_format(ValueType matrix_type) {
  for (const testing::NamedMatrix& m : testing::generated_matrices(matrix_type)) {
    const SparseTensor coo = testing::canonical(m.coo);
    for (const std::size_t k : {std::size_t{1}, std::size_t{5}, std::size_t{64}, std::size_t{37}}) {
      if (k > 1 && std::uint64_t{coo.dims[0]} * k > (1u << 20)) continue;  // hypersparse: SpMV only
      const std::vector<T> b = random_values<T>(std::size_t{coo.dims[1]} * k, k);
      const std::vector<T> want = dense_product(coo, b, k);
      std::vector<T> c(want.size());
      for (const FormatSpec& f : all_formats(2, 3, 4)) {
        SparseTensor a;
        try {
          a = convert(coo, f, {.max_bytes = 1 << 22});
        } catch (const Error&) {
          continue;  // the hypersparse matrix in dense formats
        }
        const std::string what = m.name + " in " + f.name + ", k = " + std::to_string(k);
        if (k == 1) {
          spmv<T>(a, b, c);
          expect_close(c, want, "spmv " + what);
          for (const auto& kernel : spmv_kernels().kernels()) {
            const SpmvProblem p{&a, detail::value_type_of<T>(), b.data(), c.data()};
            if (!spmv_kernels().can_run(kernel, p)) continue;
            std::fill(c.begin(), c.end(), T(7));
            spmv_kernels().run(kernel, p);
            expect_close(c, want, "spmv " + kernel.name + " " + what);
          }
        }
        for (const auto& kernel : spmm_kernels().kernels()) {
          const SpmmProblem p{&a, detail::value_type_of<T>(), b.data(), k, c.data(), k, k};
          if (!spmm_kernels().can_run(kernel, p)) continue;
          std::fill(c.begin(), c.end(), T(7));
          spmm_kernels().run(kernel, p);
          expect_close(c, want, "spmm " + kernel.name + " " + what);
        }
      }
    }
  }
}

TEST(Kernels, EveryFormatF32) { check_every_format<float>(ValueType::kF32); }
TEST(Kernels, EveryFormatF64) { check_every_format<double>(ValueType::kF64); }
TEST(Kernels, EveryFormatC128) { check_every_format<Complex>(ValueType::kC128); }
TEST(Kernels, EveryFormatPattern) { check_every_format<double>(ValueType::kPattern); }

// Row i holds i % 81 nonzeros: even rows one run of columns (x loaded whole in the vector builds,
// one run ending at the last column), odd rows scattered (x gathered), so that every length
// around the vectors' widths and the long-row threshold, in runs of long and short rows, meets
// every SpMV record.
template <class T>
void check_long_rows(ValueType type) {
  constexpr std::uint32_t kRows = 243, kCols = 300;
  std::vector<std::vector<std::uint32_t>> coords(2);
  for (std::uint32_t i = 0; i < kRows; ++i) {
    const std::uint32_t n = i % 81;
    const std::uint32_t start = i % 4 == 0 ? kCols - n : (i * 37) % (kCols - n);
    for (std::uint32_t j = 0; j < n; ++j) {
      coords[0].push_back(i);
      coords[1].push_back(i % 2 == 0 ? start + j : (j * 211 + i) % kCols);
    }
  }
  const std::vector<T> values = random_values<T>(coords[0].size(), 11);
  std::vector<std::byte> bytes;
  if (type != ValueType::kPattern) {
    bytes.resize(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
  }
  const SparseTensor a = convert(
      make_coo({kRows, kCols}, type, std::move(coords), std::move(bytes)), parse_format("csr", 2));
  const std::vector<T> x = random_values<T>(kCols, 12);
  const std::vector<T> want = dense_product(testing::canonical(a), x, 1);
  std::vector<T> y(kRows);
  std::vector<std::vector<T>> vector_builds;  // the same lanes in both: the same bytes
  for (const auto& kernel : spmv_kernels().kernels()) {
    const SpmvProblem p{&a, detail::value_type_of<T>(), x.data(), y.data()};
    if (!spmv_kernels().can_run(kernel, p)) continue;
    std::fill(y.begin(), y.end(), T(7));
    spmv_kernels().run(kernel, p);
    expect_close(y, want, "spmv " + kernel.name + " on rows of 0 to 80 nonzeros");
    if (kernel.name == "csr-avx2" || kernel.name == "csr-avx512") vector_builds.push_back(y);
  }
  if (vector_builds.size() == 2) {
    EXPECT_EQ(vector_builds[0], vector_builds[1]);
  }
}

TEST(Kernels, LongRowsF32) { check_long_rows<float>(ValueType::kF32); }
TEST(Kernels, LongRowsF64) { check_long_rows<double>(ValueType::kF64); }
TEST(Kernels, LongRowsPattern) { check_long_rows<double>(ValueType::kPattern); }

TEST(Kernels, ResultsDoNotDependOnTheThreadCount) {
  const SparseTensor a = convert(generate_rmat(14, 300000, 5), parse_format("csr", 2));
  const std::vector<double> x = random_values<double>(a.dims[1] * 16, 1);
  const auto run = [&](int threads) {
    const ThreadCountScope scope(threads);
    std::vector<double> y(a.dims[0]), c(std::size_t{a.dims[0]} * 16);
    spmv<double>(a, std::span(x).first(a.dims[1]), y);
    spmm<double>(a, View<const double, 2>(x.data(), {a.dims[1], 16}),
                 View<double, 2>(c.data(), {a.dims[0], 16}));
    y.insert(y.end(), c.begin(), c.end());
    return y;
  };
  const std::vector<double> one = run(1);
  EXPECT_EQ(run(2), one);
  EXPECT_EQ(run(3), one);
}

TEST(Kernels, OperandsThatDoNotFitAreRefused) {
  const SparseTensor a = convert(generate_uniform(4, 3, 5, 1), parse_format("csr", 2));
  std::vector<double> x(4), y(4);
  EXPECT_THROW(spmv<double>(a, x, y), Error);
  std::vector<float> xf(3), yf(4);
  EXPECT_THROW(spmv<float>(a, xf, yf), Error);
}

}  // namespace
}  // namespace tessera::sparse
