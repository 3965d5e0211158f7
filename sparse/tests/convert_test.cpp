// Conversion between every pair of formats: round trips are bit-exact, entries are preserved,
// repeats of a COO input are summed in order, and each fast path agrees with the level-generic one.
#include "tessera/sparse/convert.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <utility>
#include <vector>

#include "tessera/core/threads.hpp"
#include "tessera/sparse/generate.hpp"
#include "tessera/testing/expect_error.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

using testing::entries_of;

class ConvertEveryPair : public ::testing::TestWithParam<ValueType> {};

// Formats that would hold more than this are skipped, and the skips are listed.
constexpr std::uint64_t kMaxBytes = 4 << 20;

TEST_P(ConvertEveryPair, RoundTripsBitExactly) {
  const std::vector<FormatSpec> formats = all_formats(2, 3, 3);
  std::string skipped;
  for (const testing::NamedMatrix& m : testing::generated_matrices(GetParam())) {
    const auto want = entries_of(testing::canonical(m.coo));
    std::vector<const FormatSpec*> fitting;
    for (const FormatSpec& a : formats) {
      try {
        convert(m.coo, a, {.max_bytes = kMaxBytes});
        fitting.push_back(&a);
      } catch (const Error&) {
        skipped += " " + m.name + " in " + a.name + ";";
      }
    }
    for (const FormatSpec* pa : fitting) {
      const FormatSpec& a = *pa;
      const SparseTensor in_a = convert(m.coo, a);
      ASSERT_EQ(entries_of(in_a), want) << m.name << " in " << a.name;
      for (const FormatSpec* pb : fitting) {
        const FormatSpec& b = *pb;
        const SparseTensor in_b = convert(in_a, b);
        ASSERT_EQ(entries_of(in_b), want) << m.name << ": " << a.name << " -> " << b.name;
        ASSERT_TRUE(convert(in_b, a) == in_a)
            << m.name << ": " << a.name << " -> " << b.name << " -> " << a.name;
      }
    }
  }
  std::cout << "formats over " << kMaxBytes << " bytes, not converted:" << skipped << "\n";
  EXPECT_EQ(skipped.find("in csr"), std::string::npos) << "every matrix fits in CSR";
}

INSTANTIATE_TEST_SUITE_P(ValueTypes, ConvertEveryPair,
                         ::testing::Values(ValueType::kF32, ValueType::kF64, ValueType::kC128,
                                           ValueType::kPattern),
                         [](const auto& param) { return std::string(to_string(param.param)); });

TEST(Convert, TensorsOfOrderThreeRoundTrip) {
  // 3-D COO with repeats: (0,1,2) twice, then CSF, COO and dense in two mode orders.
  const std::vector<double> v = {1.5, -2.0, 0.25, 4.0, 8.0};
  std::vector<std::byte> bytes(v.size() * 8);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  const SparseTensor coo = make_coo({3, 4, 5}, ValueType::kF64,
                                    {{2, 0, 0, 1, 2}, {3, 1, 1, 0, 0}, {4, 2, 2, 3, 1}}, bytes);
  EXPECT_FALSE(coo.canonical);
  const auto want = entries_of(testing::canonical(coo));
  ASSERT_EQ(want.size(), 4u);
  for (const FormatSpec& a : all_formats(3)) {
    const SparseTensor in_a = convert(coo, a);
    EXPECT_EQ(entries_of(in_a), want) << a.name;
    for (const FormatSpec& b : all_formats(3)) {
      EXPECT_TRUE(convert(convert(in_a, b), a) == in_a) << a.name << " -> " << b.name;
    }
  }
}

TEST(Convert, RepeatsAreSummedInOrderOfAppearance) {
  // 0.1f + 1e8f + -1e8f is 0 summed in this order and 0.1f in another.
  const std::vector<float> v = {0.1f, 1e8f, -1e8f};
  std::vector<std::byte> bytes(12);
  std::memcpy(bytes.data(), v.data(), 12);
  const SparseTensor coo = make_coo({2, 2}, ValueType::kF32, {{1, 1, 1}, {0, 0, 0}}, bytes);
  for (const char* f : {"csr", "csc", "coo", "bitmap", "dcsr"}) {
    const SparseTensor t = convert(coo, parse_format(f, 2));
    const auto e = entries_of(t);
    ASSERT_EQ(e.size(), 1u) << f;
    float got = 0;
    std::memcpy(&got, e[0].second.data(), 4);
    EXPECT_EQ(got, (0.1f + 1e8f) + -1e8f) << f;
  }
}

TEST(Convert, FastPathsAgreeWithTheLevelGenericPath) {
  const auto& registry = convert_kernels();
  const auto& generic = registry.find("levels");
  for (const testing::NamedMatrix& m : testing::generated_matrices(ValueType::kF64)) {
    for (const char* from : {"coo", "csr", "csc"}) {
      const SparseTensor source =
          from == std::string("coo") ? m.coo : convert(m.coo, parse_format(from, 2));
      for (const char* to : {"csr", "csc"}) {
        const FormatSpec target = parse_format(to, 2);
        SparseTensor by_generic, by_selected;
        const ConvertProblem a{&source, &target, 1ull << 30, &by_generic};
        const ConvertProblem b{&source, &target, 1ull << 30, &by_selected};
        registry.run(generic, a);
        registry.run(b);
        EXPECT_TRUE(by_generic == by_selected)
            << m.name << ": " << from << " -> " << to << " by " << registry.select(b).name;
      }
    }
  }
  const SparseTensor csr =
      convert(testing::generated_matrices(ValueType::kF64)[5].coo, parse_format("csr", 2));
  const FormatSpec csc = parse_format("csc", 2);
  SparseTensor out;
  EXPECT_EQ(registry.select(ConvertProblem{&csr, &csc, 1ull << 30, &out}).name, "transpose");
}

TEST(Convert, CooInRandomOrderAgreesWithTheLevelGenericPath) {
  // R-MAT draws in random order: most entries out of place and most in long rows, which take the
  // two-scatter path; uniform draws, short rows, take one scatter and insertion sorts. Both with
  // repeats to sum, into CSR and CSC.
  const auto& registry = convert_kernels();
  const auto& generic = registry.find("levels");
  for (const SparseTensor& coo :
       {generate_rmat(11, 60'000, 5), generate_uniform(4000, 3000, 60'000, 5)}) {
    for (const char* to : {"csr", "csc"}) {
      const FormatSpec target = parse_format(to, 2);
      SparseTensor by_generic, by_selected;
      registry.run(generic, ConvertProblem{&coo, &target, 1ull << 30, &by_generic});
      registry.run(ConvertProblem{&coo, &target, 1ull << 30, &by_selected});
      EXPECT_TRUE(by_generic == by_selected) << to;
      EXPECT_LT(by_selected.levels[1].crd.size(), coo.levels[0].crd.size()) << "no repeats summed";
    }
  }
}

TEST(Convert, ScatterInPiecesAgreesWithTheLevelGenericPathOnAnyThreadCount) {
  // Over a million entries in random order, with repeats to sum: two threads cut the scatter into
  // two pieces, one thread does not, and both give the generic path's bytes.
  const auto& registry = convert_kernels();
  const auto& generic = registry.find("levels");
  for (const auto& [type, draws] :
       std::vector<std::pair<ValueType, std::uint64_t>>{{ValueType::kF64, 2'300'000},
                                                        {ValueType::kPattern, 1'100'000},
                                                        {ValueType::kC128, 1'100'000}}) {
    const SparseTensor coo = generate_uniform(3000, 5000, draws, 7, type);
    const SparseTensor csr = convert(coo, parse_format("csr", 2));
    for (const SparseTensor* source : {&coo, &csr}) {
      const FormatSpec target = parse_format(source == &coo ? "csr" : "csc", 2);
      SparseTensor by_generic, one_thread, two_threads;
      registry.run(generic, ConvertProblem{source, &target, 1ull << 32, &by_generic});
      {
        const ThreadCountScope scope(1);
        registry.run(ConvertProblem{source, &target, 1ull << 32, &one_thread});
      }
      {
        const ThreadCountScope scope(2);
        registry.run(ConvertProblem{source, &target, 1ull << 32, &two_threads});
      }
      EXPECT_TRUE(by_generic == one_thread) << to_string(type) << " to " << target.name;
      EXPECT_TRUE(one_thread == two_threads) << to_string(type) << " to " << target.name;
    }
  }
}

TEST(Convert, FullLeavesDropStoredZeros) {
  const std::vector<double> v = {0.0, 2.0, -0.0};
  std::vector<std::byte> bytes(24);
  std::memcpy(bytes.data(), v.data(), 24);
  const SparseTensor coo = make_coo({2, 3}, ValueType::kF64, {{0, 0, 1}, {0, 1, 2}}, bytes);
  EXPECT_EQ(entries_of(convert(coo, parse_format("csr", 2))).size(), 3u);
  EXPECT_EQ(entries_of(convert(coo, parse_format("bitmap", 2))).size(), 3u);
  EXPECT_EQ(entries_of(convert(coo, parse_format("rlc", 2))).size(), 3u);
  EXPECT_EQ(entries_of(convert(coo, parse_format("ell", 2))).size(), 3u);
  // +0.0 has no place in a dense leaf; -0.0 is not all-zero bytes and stays.
  EXPECT_EQ(entries_of(convert(coo, parse_format("dense", 2))).size(), 2u);
  EXPECT_EQ(entries_of(convert(coo, parse_format("bcsr:2x2", 2))).size(), 2u);
}

TEST(Convert, RefusesResultsAboveTheByteLimit) {
  const SparseTensor coo = generate_uniform(100000, 100000, 10, 1);
  tessera::testing::expect_error(
      [&] { convert(coo, parse_format("dense", 2), {.max_bytes = 1 << 20}); },
      {.input = "dense", .contains = "more than 1048576 bytes"});
  tessera::testing::expect_error([&] { convert(coo, parse_format("csr", 3)); },
                                 {.input = "format", .contains = "matrix format"});
}

}  // namespace
}  // namespace tessera::sparse
