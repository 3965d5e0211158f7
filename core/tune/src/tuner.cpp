// The tuner's loop: ask, measure, tell, log; then the finalists re-measured in turns.
#include "tessera/tune/tuner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/error.hpp"

namespace tessera::tune {

TuneResult tune(const std::string& task, const SearchSpace& space, Measurer& measurer,
                const TuneOptions& options, TuningLog* log) {
  TuneResult result;
  const std::string& fingerprint = hardware_fingerprint();
  if (log != nullptr) {
    if (const auto record = log->final_record(task, fingerprint)) {
      result.best = space.config_of(record->config, log->path());
      result.best_seconds = record->seconds;
      result.warm_start = true;
      return result;
    }
    const std::vector<std::string> others = log->other_fingerprints(task, fingerprint);
    if (!others.empty()) {
      result.note = fmt::format(
          "{}: '{}' was tuned on other hardware ({}), not on this machine ({}): tuning again",
          log->path(), task, others.front(), fingerprint);
      std::fprintf(options.stream, "%s\n", result.note.c_str());
    }
  }
  const std::unique_ptr<SearchStrategy> search = make_search(options.search, space, options.seed);
  const std::size_t trials =
      static_cast<std::size_t>(std::min<std::uint64_t>(options.trials, space.size()));
  ProgressBar bar("tune " + task, trials, options.stream, options.progress);
  const auto record = [&](const Config& c, double seconds, bool final) {
    if (log != nullptr)
      log->append({task, fingerprint, options.search, space.values(c), seconds, final});
  };
  while (result.trials.size() < trials) {
    const std::vector<Config> asked =
        search->ask(std::min(options.batch, trials - result.trials.size()));
    if (asked.empty()) break;
    measurer.prepare(asked);
    std::vector<Trial> told;
    for (const Config& c : asked) {
      told.push_back({c, measurer.measure(c)});
      ++result.measurements;
      record(c, told.back().seconds, false);
      bar.advance();
    }
    search->tell(told);
    result.trials.insert(result.trials.end(), told.begin(), told.end());
  }
  bar.finish();
  std::vector<Trial> finalists;
  for (const Trial& t : result.trials) {
    if (std::isfinite(t.seconds)) finalists.push_back(t);
  }
  if (finalists.empty()) throw Error(task, "has no configuration that runs");
  std::sort(finalists.begin(), finalists.end(),
            [](const Trial& a, const Trial& b) { return a.seconds < b.seconds; });
  finalists.resize(std::min(finalists.size(), std::max<std::size_t>(options.finalists, 1)));
  std::vector<std::vector<double>> samples(finalists.size());
  for (int round = 0; finalists.size() > 1 && round < options.final_rounds; ++round) {
    for (std::size_t f = 0; f < finalists.size(); ++f) {
      samples[f].push_back(measurer.measure(finalists[f].config));
      ++result.measurements;
    }
  }
  std::size_t best = 0;
  for (std::size_t f = 0; f < finalists.size(); ++f) {
    if (!samples[f].empty()) {
      std::sort(samples[f].begin(), samples[f].end());
      finalists[f].seconds = samples[f][samples[f].size() / 2];
    }
    if (finalists[f].seconds < finalists[best].seconds) best = f;
  }
  result.best = finalists[best].config;
  result.best_seconds = finalists[best].seconds;
  record(result.best, result.best_seconds, true);
  return result;
}

std::size_t trials_to_reach(const std::vector<Trial>& trials, double best_seconds,
                            double fraction) {
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].seconds <= best_seconds / fraction) return i + 1;
  }
  return trials.size() + 1;
}

}  // namespace tessera::tune
