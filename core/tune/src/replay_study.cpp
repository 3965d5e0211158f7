// Searches replayed on recorded tables (replay_study.hpp).
#include "tessera/tune/replay_study.hpp"

#include <algorithm>
#include <limits>

#include "tessera/tune/tuner.hpp"

namespace tessera::tune {

ReplayStudy replay_study(std::span<const ReplayTable> tables, const std::string& search,
                         std::uint64_t seeds, double fraction, std::size_t max_trials) {
  ReplayStudy study{search, {}, 0};
  for (const ReplayTable& table : tables) {
    double best = std::numeric_limits<double>::infinity();
    for (const double s : table.seconds) best = std::min(best, s);
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
      ReplayMeasurer measurer(table);
      TuneOptions options;
      options.search = search;
      options.seed = seed;
      options.trials = max_trials > 0 ? max_trials : table.space.size();
      options.finalists = 1;
      options.final_rounds = 1;
      study.trials.push_back(
          trials_to_reach(tune(table.task, table.space, measurer, options).trials, best, fraction));
    }
  }
  std::vector<std::size_t> sorted = study.trials;
  std::sort(sorted.begin(), sorted.end());
  if (!sorted.empty()) {
    const std::size_t n = sorted.size();
    study.median = n % 2 == 1 ? static_cast<double>(sorted[n / 2])
                              : 0.5 * static_cast<double>(sorted[n / 2 - 1] + sorted[n / 2]);
  }
  return study;
}

}  // namespace tessera::tune
