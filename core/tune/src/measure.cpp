// Timing a run: warm-ups, then the median of timed repetitions.
#include "tessera/tune/measure.hpp"

#include <algorithm>
#include <chrono>

namespace tessera::tune {

double median_seconds(const std::function<void()>& run, const TimingOptions& options) {
  for (int i = 0; i < options.warmups; ++i) run();
  std::vector<double> samples;
  for (int i = 0; i < std::max(options.repetitions, 1); ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    samples.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
  return samples[samples.size() / 2];
}

double ReplayMeasurer::measure(const Config& config) {
  ++measurements_;
  return table_.seconds[table_.space.index_of(config)];
}

}  // namespace tessera::tune
