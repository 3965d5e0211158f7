// The advisor's cost accounting: its storage of every candidate is exactly what the converted
// matrix holds (generated matrices and the real ones of the manifest), its storage pick is the
// smallest, and its kernel pick comes from a calibrated model.
#include <gtest/gtest.h>

#include "tessera/sparse/advisor.hpp"
#include "tessera/sparse/data_manifest.hpp"
#include "tessera/sparse/matrix_market.hpp"
#include "tessera/sparse/storage.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

void expect_exact_storage(const SparseTensor& m, const std::string& name) {
  const MatrixProfile profile = profile_matrix(m);
  std::uint64_t smallest = ~0ull;
  for (const FormatCost& c : estimate(profile, 1, nullptr)) {
    if (c.storage_bytes > (64u << 20)) continue;
    const std::uint64_t held = storage_bytes(convert(m, c.format)).total();
    EXPECT_EQ(c.storage_bytes, held) << name << " in " << c.format.name;
    smallest = std::min(smallest, held);
  }
  EXPECT_EQ(storage_bytes(convert(m, advise_storage(profile))).total(), smallest) << name;
}

TEST(Advisor, StorageIsExactOnGeneratedMatrices) {
  for (const ValueType type : {ValueType::kF32, ValueType::kPattern}) {
    for (const testing::NamedMatrix& m : testing::generated_matrices(type)) expect_exact_storage(m.coo, m.name);
  }
}

TEST(Advisor, StorageIsExactOnRealMatrices) {
  std::size_t read = 0;
  std::string missing;
  for (const DataInput& in : data_manifest().set("real")) {
    if (!in.present) {
      missing += "\n  " + in.missing_reason;
      continue;
    }
    const SparseTensor m = read_matrix_market(in.path);
    if (m.levels[0].size > 200000) continue;  // the larger files are covered by the benchmark
    expect_exact_storage(m, in.id);
    ++read;
  }
  if (read == 0) GTEST_SKIP() << "no real matrix here:" << missing;
}

TEST(Advisor, KernelPickComesFromTheCalibratedModel) {
  const CostModel model = CostModel::calibrate();
  EXPECT_GT(model.bytes_per_second, 1e8);
  EXPECT_EQ(model.step_and_multiply_add.size(), advisor_candidates().size());
  // A matrix with one entry per row: the dense formats' step counts dwarf the sparse ones'.
  const MatrixProfile p = profile_matrix(generate_banded(3000, 0, 1));
  const std::string pick = advise_kernel(p, 1, model).name;
  EXPECT_NE(pick.find("dense"), 0u) << pick;
  EXPECT_NE(pick.find("bitmap"), 0u) << pick;
  const std::vector<FormatCost> costs = estimate(p, 1, &model);
  EXPECT_TRUE(std::is_sorted(costs.begin(), costs.end(), [](const FormatCost& a, const FormatCost& b) {
    return a.seconds < b.seconds;
  }));
}

}  // namespace
}  // namespace tessera::sparse
