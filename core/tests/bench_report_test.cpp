// BenchReport: the suite's own options in the sweep syntax, the JSON lines it appends (with the
// machine they were measured on) and its usage errors.
#include "tessera/bench/bench_report.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera {
namespace {

/// Parses `args` (after a program name) into `report`.
void parse(BenchReport& report, std::vector<std::string> args) {
  args.insert(args.begin(), "bench");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  report.parse(static_cast<int>(argv.size()), argv.data());
}

TEST(BenchReport, SuiteOptionsUseTheSweepSyntaxAndFallBackToTheirDefaults) {
  BenchReport report("suite");
  report.sweep_option("rel", "Relative bounds", "1e-2,1e-3");
  report.sweep_option("m", "Rows", "128:512:*2");
  report.text_option("field", "Only this field");
  parse(report, {"--m", "1,8:10:1", "--field", "a.nc:T", "--field", "b.nc:U", "--budget", "0.5"});
  EXPECT_EQ(report.sweep("rel"), (std::vector<double>{1e-2, 1e-3}));
  EXPECT_EQ(report.size_sweep("m"), (std::vector<std::size_t>{1, 8, 9, 10}));
  EXPECT_EQ(report.texts("field"), (std::vector<std::string>{"a.nc:T", "b.nc:U"}));
  EXPECT_EQ(report.options().budget_seconds, 0.5);
  EXPECT_FALSE(report.machine().empty());
}

TEST(BenchReport, MalformedSweepsAreUsageErrorsNamingTheOption) {
  BenchReport report("suite");
  report.sweep_option("rel", "Relative bounds", "1e-2");
  parse(report, {"--rel", "1e-2,,1e-3"});
  testing::expect_error([&] { (void)report.sweep("rel"); },
                        {.input = "--rel", .code = ExitCode::kUsage});
}

TEST(BenchReport, RecordsGoToTheJsonLinesFileWithTheMachine) {
  const testing::TempDir dir;
  {
    BenchReport report("suite");
    parse(report, {"--jsonl", (dir / "out.jsonl").string()});
    EXPECT_EQ(report.jsonl_path(), dir / "out.jsonl");
    report.record({{"type", "custom"}, {"value", 3}});
  }
  std::ifstream in(dir / "out.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto record = nlohmann::json::parse(line);
  EXPECT_EQ(record["type"], "custom");
  EXPECT_EQ(record["value"], 3);
  EXPECT_TRUE(record.contains("machine"));
  EXPECT_FALSE(std::getline(in, line));
}

}  // namespace
}  // namespace tessera
