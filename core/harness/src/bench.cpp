// Benchmark harness: warm-up, self-check, budgeted repetition, interleaved A/B pairs and reporting.
#include "tessera/bench/bench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <ostream>
#include <string_view>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera {

namespace {

void validate(std::string_view name, const BenchOptions& options) {
  if (options.warmup < 0) {
    throw usage_error(name, fmt::format("warmup must be at least 0, got {}", options.warmup));
  }
  if (options.min_repetitions < 1) {
    throw usage_error(
        name, fmt::format("min_repetitions must be at least 1, got {}", options.min_repetitions));
  }
  if (options.max_repetitions < options.min_repetitions) {
    throw usage_error(name, fmt::format("max_repetitions ({}) is less than min_repetitions ({})",
                                        options.max_repetitions, options.min_repetitions));
  }
  if (!(options.budget_seconds >= 0)) {
    throw usage_error(
        name, fmt::format("budget_seconds must be at least 0, got {}", options.budget_seconds));
  }
  if (!options.clock) throw usage_error(name, "no clock given");
}

void verify(std::string_view name, const Check& check) {
  if (check && !check()) {
    throw verification_error(name, "self-check failed after warm-up; nothing was timed");
  }
}

// Seconds one call of `run` takes on `clock`.
double time_once(const Clock& clock, const std::function<void()>& run) {
  const Stopwatch stopwatch(clock);
  run();
  return stopwatch.elapsed();
}

// Calls `step` (one timed repetition) min_repetitions times, then again while the time since the
// first step is under budget_seconds, max_repetitions times at most.
void repeat(const BenchOptions& options, const std::function<void()>& step) {
  const Stopwatch total(options.clock);
  int done = 0;
  while (done < options.min_repetitions ||
         (done < options.max_repetitions && total.elapsed() < options.budget_seconds)) {
    step();
    ++done;
  }
}

nlohmann::json summary_fields(const Summary& summary, std::string_view suffix) {
  nlohmann::json fields = nlohmann::json::object();
  fields[fmt::format("median{}", suffix)] = summary.median;
  fields[fmt::format("min{}", suffix)] = summary.min;
  fields[fmt::format("max{}", suffix)] = summary.max;
  fields[fmt::format("mean{}", suffix)] = summary.mean;
  return fields;
}

}  // namespace

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Stopwatch::Stopwatch(Clock clock) : clock_(std::move(clock)), start_(clock_()) {}

void Stopwatch::reset() { start_ = clock_(); }

double Stopwatch::elapsed() const { return clock_() - start_; }

Summary summarize(std::span<const double> samples) {
  if (samples.empty()) throw Error("samples", "cannot summarize zero samples");
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  const double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const double mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
  return {n, median, sorted.front(), sorted.back(), mean};
}

Measurement measure(std::string name, const std::function<void()>& run,
                    const BenchOptions& options) {
  validate(name, options);
  for (int i = 0; i < options.warmup; ++i) run();
  verify(name, options.check);
  Measurement result{std::move(name), {}, {}, options.extra};
  repeat(options, [&] { result.samples.push_back(time_once(options.clock, run)); });
  result.summary = summarize(result.samples);
  return result;
}

Comparison compare_ab(std::string name_a, const std::function<void()>& a, std::string name_b,
                      const std::function<void()>& b, const BenchOptions& options) {
  validate(fmt::format("{} vs {}", name_a, name_b), options);
  for (int i = 0; i < options.warmup; ++i) {
    a();
    b();
  }
  verify(name_a, options.check);
  verify(name_b, options.check_b);
  Comparison result{std::move(name_a), std::move(name_b), {}, {}, {}, {}, {}, {}, options.extra};
  repeat(options, [&] {
    const bool a_first = result.ratios.size() % 2 == 0;
    double time_a = 0;
    double time_b = 0;
    if (a_first) {
      time_a = time_once(options.clock, a);
      time_b = time_once(options.clock, b);
    } else {
      time_b = time_once(options.clock, b);
      time_a = time_once(options.clock, a);
    }
    if (!(time_a > 0)) {
      throw Error(result.name_a, "a timed run took no time on the clock; time more work per call");
    }
    result.samples_a.push_back(time_a);
    result.samples_b.push_back(time_b);
    result.ratios.push_back(time_b / time_a);
  });
  result.a = summarize(result.samples_a);
  result.b = summarize(result.samples_b);
  result.ratio = summarize(result.ratios);
  return result;
}

nlohmann::json to_json(const Measurement& measurement) {
  nlohmann::json record = {
      {"type", "measurement"}, {"name", measurement.name}, {"n", measurement.summary.n}};
  record.update(summary_fields(measurement.summary, "_s"));
  record["extra"] = measurement.extra;
  return record;
}

nlohmann::json to_json(const Comparison& comparison) {
  return {{"type", "comparison"},
          {"name_a", comparison.name_a},
          {"name_b", comparison.name_b},
          {"n", comparison.ratio.n},
          {"a", summary_fields(comparison.a, "_s")},
          {"b", summary_fields(comparison.b, "_s")},
          {"ratio", summary_fields(comparison.ratio, "")},
          {"extra", comparison.extra}};
}

void write_json_line(std::ostream& out, const nlohmann::json& record) {
  out << record.dump() << '\n';
}

std::string format_comparison(const Comparison& comparison) {
  return fmt::format("{} vs {}: {:.2f}x (median of {} pairs, min {:.2f}x, max {:.2f}x)",
                     comparison.name_a, comparison.name_b, comparison.ratio.median,
                     comparison.ratio.n, comparison.ratio.min, comparison.ratio.max);
}

}  // namespace tessera
