// SpGEMM and element-wise add and multiply on every pair of operand formats against a dense
// reference from the entries, and the CSR records against the level-generic ones (same bits).
#include <gtest/gtest.h>

#include <map>

#include "tessera/sparse/kernels.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

using Dense = std::map<std::pair<std::uint32_t, std::uint32_t>, Complex>;

Dense dense_of(const SparseTensor& t) {
  Dense d;
  for (const auto& [x, bytes] : testing::entries_of(t)) {
    Complex v = 1;
    if (t.value_type == ValueType::kF32) v = *reinterpret_cast<const float*>(bytes.data());
    if (t.value_type == ValueType::kF64) v = *reinterpret_cast<const double*>(bytes.data());
    if (t.value_type == ValueType::kC128) v = *reinterpret_cast<const Complex*>(bytes.data());
    d[{x[0], x[1]}] += v;
  }
  return d;
}

void expect_same(const Dense& got, const Dense& want, double eps, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (const auto& [x, v] : want) {
    const auto it = got.find(x);
    ASSERT_NE(it, got.end()) << what << " lacks (" << x.first << ", " << x.second << ")";
    ASSERT_LE(std::abs(it->second - v), eps * (1 + std::abs(v))) << what;
  }
}

Dense dense_product(const Dense& a, const Dense& b) {
  Dense c;
  for (const auto& [x, u] : a) {
    for (auto it = b.lower_bound({x.second, 0}); it != b.end() && it->first.first == x.second; ++it) {
      c[{x.first, it->first.second}] += u * it->second;
    }
  }
  return c;
}

class SparseProducts : public ::testing::TestWithParam<ValueType> {};

TEST_P(SparseProducts, EveryFormatPair) {
  const ValueType type = GetParam();
  const double eps = type == ValueType::kF32 ? 1e-5 : 1e-12;
  const SparseTensor a0 = testing::canonical(generate_rmat(6, 500, 1, type));
  const SparseTensor b0 = testing::canonical(generate_uniform(64, 48, 700, 2, type));
  const SparseTensor c0 = testing::canonical(generate_rmat(6, 400, 3, type));
  const Dense product = dense_product(dense_of(a0), dense_of(b0));
  const Dense da = dense_of(a0);
  Dense sum = da, elementwise;
  for (const auto& [x, v] : dense_of(c0)) {
    sum[x] += v;
    if (const auto it = da.find(x); it != da.end()) elementwise[x] = it->second * v;
  }
  const std::vector<FormatSpec> formats = all_formats(2, 3, 4);
  const FormatSpec csr = parse_format("csr", 2);
  for (const FormatSpec& fa : formats) {
    const SparseTensor a = convert(a0, fa);
    for (const FormatSpec& fb : formats) {
      const std::string what = fa.name + " with " + fb.name;
      const SparseTensor b = convert(b0, fb);
      const SparseTensor c = convert(c0, fb);
      const SparseTensor p = spgemm(a, b, csr);
      if (type == ValueType::kPattern) {
        EXPECT_EQ(dense_of(p).size(), product.size()) << what;
        EXPECT_EQ(dense_of(add(a, c, csr)).size(), sum.size()) << what;
        EXPECT_EQ(dense_of(multiply(a, c, csr)).size(), elementwise.size()) << what;
        continue;
      }
      expect_same(dense_of(p), product, eps, "spgemm " + what);
      expect_same(dense_of(add(a, c, fa)), sum, eps, "add " + what);
      expect_same(dense_of(multiply(a, c, fb)), elementwise, eps, "multiply " + what);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ValueTypes, SparseProducts,
                         ::testing::Values(ValueType::kF32, ValueType::kF64, ValueType::kC128,
                                           ValueType::kPattern),
                         [](const auto& param) { return std::string(to_string(param.param)); });

TEST(SparseProducts, CsrRecordsGiveTheBitsOfTheLevelGenericOnes) {
  const FormatSpec csr = parse_format("csr", 2);
  const SparseTensor a = convert(generate_rmat(10, 20000, 4), csr);
  const SparseTensor b = convert(generate_rmat(10, 20000, 5), csr);
  for (const auto* registry : {&spgemm_kernels(), &add_kernels(), &multiply_kernels()}) {
    SparseTensor by_levels, by_csr;
    registry->run(registry->find("levels"), SparseProblem{&a, &b, &csr, &by_levels});
    const SparseProblem p{&a, &b, &csr, &by_csr};
    EXPECT_EQ(registry->select(p).name, "csr");
    registry->run(p);
    EXPECT_TRUE(by_levels == by_csr) << registry->operation();
  }
}

TEST(SparseProducts, OperandsThatDoNotFitAreRefused) {
  const SparseTensor a = convert(generate_uniform(4, 3, 5, 1), parse_format("csr", 2));
  EXPECT_THROW(spgemm(a, a, parse_format("csr", 2)), Error);
  EXPECT_THROW(add(a, convert(generate_uniform(3, 4, 5, 1), parse_format("csr", 2)), parse_format("csr", 2)), Error);
}

}  // namespace
}  // namespace tessera::sparse
