// Timing and the benchmark harness: a stopwatch, repeated measurement after warm-up and a
// self-check, and interleaved A/B comparison of a kernel against a peer library, reported as JSON
// lines or as one human-readable line. Every clock reading is in seconds; tests substitute a fake
// clock.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

namespace tessera {

/// A monotonic time source: returns the current time in seconds from an arbitrary fixed origin.
using Clock = std::function<double()>;

/// Seconds on std::chrono::steady_clock since its epoch; the default Clock.
double steady_seconds();

/// Elapsed time on a Clock (steady_clock unless one is given), in seconds.
class Stopwatch {
 public:
  /// Starts timing now on `clock` (seconds).
  explicit Stopwatch(Clock clock = steady_seconds);
  /// Restarts timing from now.
  void reset();
  /// Seconds since construction or the last reset().
  double elapsed() const;

 private:
  Clock clock_;
  double start_;
};

/// A benchmark's self-check, run once after warm-up and before any timing: returns true when the
/// benchmarked code produced the right result. False aborts with verification_error (exit code 3)
/// whose input is the benchmark's name, and no timed run starts.
using Check = std::function<bool()>;

/// How measure() and compare_ab() repeat and time. Warm-up and checks are never timed.
struct BenchOptions {
  int warmup = 1;                // untimed runs before the check (>= 0)
  int min_repetitions = 5;       // timed runs (pairs for compare_ab) always done (>= 1)
  int max_repetitions = 101;     // cap on timed runs or pairs (>= min_repetitions)
  double budget_seconds = 1.0;   // past min_repetitions, repeat while timing took less (>= 0)
  Clock clock = steady_seconds;  // time source for every sample and for the budget
  Check check;                   // measure(): the callable's result; compare_ab(): side A's
  Check check_b;                 // compare_ab() only: side B's result; ignored by measure()
  nlohmann::json extra = nlohmann::json::object();  // user fields (shape, sparsity, threads)
};

/// Statistics of a set of samples, in the samples' unit (seconds for times).
struct Summary {
  std::size_t n = 0;
  double median = 0;  // of an even count: mean of the two middle values
  double min = 0;
  double max = 0;
  double mean = 0;
};

/// Summary of `samples` (at least one; none throws Error).
Summary summarize(std::span<const double> samples);

/// Timed runs of one benchmark.
struct Measurement {
  std::string name;
  std::vector<double> samples;  // seconds per timed run, in run order
  Summary summary;              // of samples, seconds
  nlohmann::json extra;         // options.extra
};

/// Runs `run` options.warmup times, then options.check (if set), then times it at least
/// min_repetitions and at most max_repetitions times, stopping once timing has taken
/// budget_seconds. Invalid options throw usage_error naming the benchmark.
Measurement measure(std::string name, const std::function<void()>& run,
                    const BenchOptions& options = {});

/// Interleaved timing of two benchmarks: A (usually ours) against B (usually the peer library).
struct Comparison {
  std::string name_a;
  std::string name_b;
  std::vector<double> samples_a;  // seconds; samples_a[i] and samples_b[i] come from pair i
  std::vector<double> samples_b;
  std::vector<double> ratios;  // samples_b[i] / samples_a[i]: speedup of A over B, > 1 = A faster
  Summary a;                   // of samples_a, seconds
  Summary b;                   // of samples_b, seconds
  Summary ratio;               // of ratios; ratio.median is the headline number
  nlohmann::json extra;        // options.extra
};

/// Warms A then B (options.warmup rounds), runs options.check (side A) and options.check_b
/// (side B), then times pairs A B, B A, A B, ... (the order alternates to cancel drift) at least
/// min_repetitions and at most max_repetitions pairs, stopping once timing has taken
/// budget_seconds. A timed run of A that takes no time on the clock throws Error (the ratio would
/// be undefined). Invalid options throw usage_error.
Comparison compare_ab(std::string name_a, const std::function<void()>& a, std::string name_b,
                      const std::function<void()>& b, const BenchOptions& options = {});

/// {"type":"measurement","name","n","median_s","min_s","max_s","mean_s","extra"}; times in seconds.
nlohmann::json to_json(const Measurement& measurement);
/// {"type":"comparison","name_a","name_b","n" (pairs),"a":{"median_s",...},"b":{...},
/// "ratio":{"median","min","max","mean"} (time_b / time_a),"extra"}.
nlohmann::json to_json(const Comparison& comparison);
/// Writes `record` as one compact JSON object followed by a newline.
void write_json_line(std::ostream& out, const nlohmann::json& record);

/// One line, e.g. "tw_gemm vs onednn: 1.84x (median of 21 pairs, min 1.70x, max 1.95x)"; the
/// factors are time_b / time_a.
std::string format_comparison(const Comparison& comparison);

}  // namespace tessera
