// The command line and output every benchmark binary shares: `--jsonl FILE` for machine-readable
// results (what `make bench` collects), `--budget S` per case, and one readable line per result.
#pragma once

#include <fstream>
#include <string>

#include "tessera/bench/bench.hpp"

namespace tessera {

class BenchReport {
 public:
  /// Parses the benchmark's command line; exits the process on --help or a usage error (code 2).
  BenchReport(int argc, char** argv, std::string suite_description);

  /// Options for each case: the --budget from the command line, everything else default.
  BenchOptions options() const;
  /// Prints format_comparison(c) to stdout and appends to_json(c) to the --jsonl file, if any.
  void add(const Comparison& c);

 private:
  double budget_seconds_ = 1.0;
  std::ofstream jsonl_;
};

}  // namespace tessera
