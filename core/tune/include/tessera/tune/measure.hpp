// Measurers: what a configuration costs, the role separate from the search. A live measurer
// builds and times a kernel (the subsystem writes it, with median_seconds below); ReplayMeasurer
// answers from a recorded table of every configuration's time, so searches can be compared
// deterministically in tests and without the machine that recorded it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/progress.hpp"
#include "tessera/tune/search_space.hpp"

namespace tessera::tune {

class Measurer {
 public:
  virtual ~Measurer() = default;
  /// Seconds of one run of `config`'s kernel, or infinity where it cannot run or gives wrong
  /// results.
  virtual double measure(const Config& config) = 0;
  /// Builds ahead what measure() will run for `configs` (one compiler run for a batch, say);
  /// measure() must work without it.
  virtual void prepare(std::span<const Config> configs) { static_cast<void>(configs); }
};

struct TimingOptions {
  int warmups = 1;      // untimed runs first (first touches, lazily built state)
  int repetitions = 5;  // timed runs; the median counts
};
/// The median seconds of `run` over options.repetitions timed runs after options.warmups.
double median_seconds(const std::function<void()>& run, const TimingOptions& options = {});

/// Every configuration's seconds for one task, by mixed-radix index (infinity: failed).
struct ReplayTable {
  std::string task;
  std::string machine;  // the hardware fingerprint it was recorded on
  SearchSpace space;
  std::vector<double> seconds;
};

/// Measures every configuration of `space` with `measurer`, `batch` configurations prepared at a
/// time (progress on `stream`).
ReplayTable record_replay_table(const std::string& task, const SearchSpace& space,
                                Measurer& measurer, std::size_t batch = 64,
                                ProgressMode progress = ProgressMode::kNever,
                                std::FILE* stream = stderr);
/// The table as JSON (schema "tessera.tune.replay", version 1; null for a failed configuration).
std::string format_replay_table(const ReplayTable& table);
/// The table in `text`; tessera::Error naming `source` for malformed JSON, another schema or
/// version, or a seconds list whose length is not the space's size.
ReplayTable parse_replay_table(std::string_view text, std::string_view source);

/// Answers from a table; counts the measurements asked of it.
class ReplayMeasurer final : public Measurer {
 public:
  explicit ReplayMeasurer(const ReplayTable& table) : table_(table) {}
  double measure(const Config& config) override;
  std::uint64_t measurements() const { return measurements_; }

 private:
  const ReplayTable& table_;
  std::uint64_t measurements_ = 0;
};

}  // namespace tessera::tune
