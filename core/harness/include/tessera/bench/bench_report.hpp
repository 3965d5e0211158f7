// The command line and output every benchmark binary shares: `--jsonl FILE` for machine-readable
// results (what `make bench` collects), `--budget S` per case, the suite's own options in the
// project's one list syntax (sweep.hpp: "1e-2,1e-3", "128:2048:*4"), a first line naming the CPU
// the numbers come from, and one readable line per result.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/bench/bench.hpp"

namespace tessera {

class BenchReport {
 public:
  /// A suite described by `description` (the first line of --help); declare its own options,
  /// then parse().
  explicit BenchReport(std::string description);
  /// BenchReport(description) with no options of its own, parsed at once.
  BenchReport(int argc, char** argv, std::string description);
  ~BenchReport();
  BenchReport(const BenchReport&) = delete;
  BenchReport& operator=(const BenchReport&) = delete;

  /// Declares `--<name> LIST`: a sweep (sweep.hpp syntax), `fallback` when not given.
  void sweep_option(const std::string& name, const std::string& help, const std::string& fallback);
  /// Declares `--<name> TEXT`, repeatable; empty when not given.
  void text_option(const std::string& name, const std::string& help);

  /// When parse() prints the suite's first line: at once, or when the suite calls print_header()
  /// (an MPI suite prints it on its root rank only).
  enum class Header { kAtParse, kLater };

  /// Parses the command line; exits the process on --help (code 0) or a usage error (code 2,
  /// message on stderr). With Header::kAtParse, prints the first line as print_header() does.
  void parse(int argc, char** argv, Header header = Header::kAtParse);
  /// Prints the suite's first line: "# <description>: <CPU brand> (<ISA>, <n> threads)".
  void print_header() const;

  /// The values of sweep option `name` (usage error naming it when malformed).
  std::vector<double> sweep(const std::string& name) const;
  /// The same for counts and sizes (whole numbers >= 1).
  std::vector<std::size_t> size_sweep(const std::string& name) const;
  /// Every value given for text option `name`.
  const std::vector<std::string>& texts(const std::string& name) const;

  /// Options for each case: the --budget from the command line, everything else default.
  BenchOptions options() const;
  /// The --jsonl path (empty without one).
  const std::filesystem::path& jsonl_path() const { return jsonl_path_; }
  /// The CPU the results come from, e.g. "AMD EPYC 9654 96-Core Processor (avx512, 2 threads)".
  const std::string& machine() const { return machine_; }

  /// Prints format_comparison(c) to stdout and appends to_json(c) to the --jsonl file, if any.
  void add(const Comparison& c);
  /// Prints a line for the measurement and appends to_json(m) likewise.
  void add(const Measurement& m);
  /// Appends a suite-specific record (with "machine" added) to the --jsonl file, if any.
  void record(nlohmann::json record);

 private:
  struct Options;
  std::string description_;
  std::unique_ptr<Options> options_;
  double budget_seconds_ = 1.0;
  std::filesystem::path jsonl_path_;
  std::ofstream jsonl_;
  std::string machine_;
};

}  // namespace tessera
