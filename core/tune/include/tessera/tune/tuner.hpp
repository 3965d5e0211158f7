// The tuner: asks a strategy for batches of configurations, has a measurer time them, tells the
// strategy, and finally re-measures the fastest few in turns (A B C A B C ...) so one lucky
// sample does not decide. With a tuning log, a finished tuning of the same task on the same
// hardware is reused without measuring, and every measurement is appended.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tessera/core/progress.hpp"
#include "tessera/tune/measure.hpp"
#include "tessera/tune/search.hpp"
#include "tessera/tune/tuning_log.hpp"

namespace tessera::tune {

struct TuneOptions {
  std::string search = "ga";  // one of kSearchNames
  std::uint64_t seed = 1;
  std::size_t trials = 200;   // configurations measured at most (fewer if the space is smaller)
  std::size_t batch = 16;     // configurations per ask
  std::size_t finalists = 4;  // re-measured at the end
  int final_rounds = 3;       // turns of the re-measurement; each finalist's median counts
  ProgressMode progress = ProgressMode::kNever;
  std::FILE* stream = stderr;  // the progress bar and the fingerprint-mismatch note
};

struct TuneResult {
  Config best;
  double best_seconds = 0;    // re-measured (or the log's, on a warm start)
  std::vector<Trial> trials;  // in the order measured (empty on a warm start)
  std::uint64_t measurements = 0;
  bool warm_start = false;
  std::string note;  // why a log's records were not used, else empty
};

/// Tunes `task` over `space` with `measurer`. With `log` (may be null): returns the log's final
/// record for (task, this hardware) with no measurement; otherwise tunes, notes other hardware's
/// records in TuneResult::note (and on options.stream), and appends every trial and the final
/// result. tessera::Error naming the task when no configuration runs.
TuneResult tune(const std::string& task, const SearchSpace& space, Measurer& measurer,
                const TuneOptions& options, TuningLog* log = nullptr);

/// The number of trials until one is within `fraction` of `best_seconds` (seconds <=
/// best_seconds / fraction), 1-based; trials.size() + 1 when none is.
std::size_t trials_to_reach(const std::vector<Trial>& trials, double best_seconds, double fraction);

}  // namespace tessera::tune
