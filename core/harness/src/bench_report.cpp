// Benchmark binaries' shared command line (CLI11) and result output (stdout + JSON lines).
#include "tessera/bench/bench_report.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/sweep.hpp"
#include "tessera/core/threads.hpp"

namespace tessera {

struct BenchReport::Options {
  CLI::App app;
  std::map<std::string, std::string> sweeps;  // option name -> text as given (or the fallback)
  std::map<std::string, std::vector<std::string>> texts;
};

BenchReport::BenchReport(std::string description)
    : description_(std::move(description)), options_(std::make_unique<Options>()) {
  CLI::App& app = options_->app;
  app.description(description_);
  app.add_option("--jsonl", jsonl_path_, "Append one JSON object per result to this file");
  app.add_option("--budget", budget_seconds_, "Seconds of timing per case (default 1)")
      ->check(CLI::NonNegativeNumber);
}

BenchReport::BenchReport(int argc, char** argv, std::string description)
    : BenchReport(std::move(description)) {
  parse(argc, argv);
}

BenchReport::~BenchReport() = default;

void BenchReport::sweep_option(const std::string& name, const std::string& help,
                               const std::string& fallback) {
  std::string& text = options_->sweeps[name];
  text = fallback;
  options_->app.add_option("--" + name, text, help + " (default " + fallback + ")");
}

void BenchReport::text_option(const std::string& name, const std::string& help) {
  options_->app.add_option("--" + name, options_->texts[name], help);
}

void BenchReport::parse(int argc, char** argv, Header header) {
  try {
    options_->app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = options_->app.exit(e);
    std::exit(code == 0 ? 0 : static_cast<int>(ExitCode::kUsage));
  }
  if (!jsonl_path_.empty()) {
    jsonl_.open(jsonl_path_, std::ios::app);
    if (!jsonl_) throw Error(jsonl_path_.string(), "cannot open for appending");
  }
  const CpuFeatures cpu = detect_cpu_features();
  machine_ = fmt::format("{} ({}, {} threads)", cpu.brand.empty() ? "unknown CPU" : cpu.brand,
                         to_string(dispatch_isa_level()), thread_count());
  if (header == Header::kAtParse) print_header();
}

void BenchReport::print_header() const {
  std::cout << "# " << description_ << ": " << machine_ << std::endl;
}

std::vector<double> BenchReport::sweep(const std::string& name) const {
  return parse_sweep(options_->sweeps.at(name), "--" + name);
}

std::vector<std::size_t> BenchReport::size_sweep(const std::string& name) const {
  return parse_size_sweep(options_->sweeps.at(name), "--" + name);
}

const std::vector<std::string>& BenchReport::texts(const std::string& name) const {
  return options_->texts.at(name);
}

BenchOptions BenchReport::options() const {
  BenchOptions options;
  options.budget_seconds = budget_seconds_;
  return options;
}

void BenchReport::add(const Comparison& c) {
  std::cout << format_comparison(c) << "  " << c.extra.dump() << std::endl;
  record(to_json(c));
}

void BenchReport::add(const Measurement& m) {
  std::cout << fmt::format("{}: median {:.6g} s over {} runs  {}", m.name, m.summary.median,
                           m.summary.n, m.extra.dump())
            << std::endl;
  record(to_json(m));
}

void BenchReport::record(nlohmann::json record) {
  if (!jsonl_.is_open()) return;
  record["machine"] = machine_;
  write_json_line(jsonl_, record);
}

}  // namespace tessera
