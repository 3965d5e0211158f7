// Benchmark binaries' shared command line (CLI11) and result output (stdout + JSON lines).
#include "tessera/bench/bench_report.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "tessera/core/error.hpp"

namespace tessera {

BenchReport::BenchReport(int argc, char** argv, std::string suite_description) {
  CLI::App app(std::move(suite_description));
  std::string jsonl_path;
  app.add_option("--jsonl", jsonl_path, "Append one JSON object per result to this file");
  app.add_option("--budget", budget_seconds_, "Seconds of timing per case (default 1)")
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    std::exit(code == 0 ? 0 : static_cast<int>(ExitCode::kUsage));
  }
  if (!jsonl_path.empty()) {
    jsonl_.open(jsonl_path, std::ios::app);
    if (!jsonl_) throw Error(jsonl_path, "cannot open for appending");
  }
}

BenchOptions BenchReport::options() const {
  BenchOptions options;
  options.budget_seconds = budget_seconds_;
  return options;
}

void BenchReport::add(const Comparison& c) {
  std::cout << format_comparison(c) << "  " << c.extra.dump() << std::endl;
  if (jsonl_.is_open()) write_json_line(jsonl_, to_json(c));
}

}  // namespace tessera
