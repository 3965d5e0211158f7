// The kernel registry: preference order, ISA and device requirements, can_run, workspaces, lookup
// by name with usage errors, and the catalog that doctor lists.
#include "tessera/core/kernel_registry.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/scoped_env.hpp"

namespace tessera {
namespace {

using testing::expect_error;

struct SumProblem {
  std::span<const int> values;
  int* result = nullptr;
};

void sum_into(const SumProblem& p, int offset) {
  int sum = offset;
  for (int v : p.values) sum += v;
  *p.result = sum;
}

/// A registry where each record adds its own offset, so a result tells which record ran.
KernelRegistry<SumProblem>& registry() {
  static KernelRegistry<SumProblem> r("test.sum", "integer sums");
  static const bool filled = [] {
    r.add({"scalar", KernelBackend::kCpu, IsaLevel::kScalar, "reference", nullptr, nullptr, nullptr,
           [](const SumProblem& p, std::span<std::byte>) { sum_into(p, 0); }});
    r.add({"avx2", KernelBackend::kCpu, IsaLevel::kAvx2, "wide", nullptr,
           [](const SumProblem& p) { return p.values.size() >= 4; },
           [](const SumProblem& p) { return p.values.size() * sizeof(int); },
           [](const SumProblem& p, std::span<std::byte> workspace) {
             EXPECT_EQ(workspace.size(), p.values.size() * sizeof(int));
             sum_into(p, 1000);
           }});
    r.add({"gpu", KernelBackend::kCuda, IsaLevel::kScalar, "never present", [] { return false; },
           nullptr, nullptr, [](const SumProblem& p, std::span<std::byte>) { sum_into(p, 2000); }});
    return true;
  }();
  (void)filled;
  return r;
}

/// Caps TESSERA_ISA for one test and restores it afterwards.
class IsaCap : public ::testing::Test {
 protected:
  testing::ScopedEnv isa_{"TESSERA_ISA"};
};

TEST_F(IsaCap, SelectTakesThePreferredRecordThatRunsAndCanRun) {
  const int values[] = {1, 2, 3, 4, 5};
  int result = 0;
  const SumProblem large{values, &result};
  const SumProblem small{std::span(values).first(2), &result};
  const bool avx2 = max_isa_level(detect_cpu_features()) >= IsaLevel::kAvx2;

  unsetenv("TESSERA_ISA");
  registry().run(large);
  EXPECT_EQ(result, avx2 ? 1015 : 15);  // never the absent GPU
  registry().run(small);
  EXPECT_EQ(result, 3);  // the wide record cannot run two values

  setenv("TESSERA_ISA", "scalar", 1);
  EXPECT_EQ(registry().select(large).name, "scalar");
}

TEST_F(IsaCap, PreferredIsTheMostPreferredRecordThatRunsHere) {
  unsetenv("TESSERA_ISA");
  const bool avx2 = max_isa_level(detect_cpu_features()) >= IsaLevel::kAvx2;
  EXPECT_EQ(registry().preferred().name, avx2 ? "avx2" : "scalar");  // never the absent GPU
  setenv("TESSERA_ISA", "scalar", 1);
  EXPECT_EQ(registry().preferred().name, "scalar");
}

TEST_F(IsaCap, FindNamesRecordsAndRefusesOnesThatDoNotRunHere) {
  setenv("TESSERA_ISA", "scalar", 1);
  EXPECT_EQ(registry().find("scalar").name, "scalar");
  expect_error([] { (void)registry().find("avx2", "--kernel"); },
               {.input = "--kernel", .contains = "needs avx2", .code = ExitCode::kUsage});
  expect_error([] { (void)registry().find("gpu", "--kernel"); },
               {.contains = "no device here", .code = ExitCode::kUsage});
  expect_error([] { (void)registry().find("mmx", "--kernel"); },
               {.contains = "unknown test.sum kernel 'mmx' (scalar, avx2, gpu)"});
}

TEST_F(IsaCap, RunningARecordOnAProblemItCannotRunIsAnError) {
  unsetenv("TESSERA_ISA");
  if (max_isa_level(detect_cpu_features()) < IsaLevel::kAvx2) GTEST_SKIP() << "needs AVX2";
  const int values[] = {1};
  int result = 0;
  expect_error(
      [&] {
        registry().run(registry().find("avx2"), SumProblem{values, &result});
      },
      {.input = "test.sum", .contains = "'avx2' cannot run this problem"});
}

TEST(KernelCatalog, ListsEveryRegistryWithItsRecords) {
  const KernelListing& listing = registry();
  bool found = false;
  for (const KernelListing* l : kernel_catalog()) found |= l == &listing;
  EXPECT_TRUE(found);
  const std::vector<KernelSummary> records = listing.summaries();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].name, "scalar");
  EXPECT_TRUE(records[0].runs_here);
  EXPECT_EQ(records[2].backend, KernelBackend::kCuda);
  EXPECT_FALSE(records[2].runs_here);
  EXPECT_EQ(to_string(KernelBackend::kLibrary), "library");
}

TEST(KernelRegistry, AnEmptyRegistryHasNothingToSelect) {
  static KernelRegistry<SumProblem> empty("test.empty", "nothing");
  int result = 0;
  expect_error(
      [&] {
        empty.run(SumProblem{{}, &result});
      },
      {.input = "test.empty", .contains = "no registered kernel"});
  expect_error([] { (void)empty.preferred(); },
               {.input = "test.empty", .contains = "no registered kernel runs"});
}

}  // namespace
}  // namespace tessera
