// The statistics of a round-count study (`tessera amoebot study`): per size the mean, spread,
// 95th and 99th percentiles and the failure rate with its 95% Wilson interval, and the
// least-squares fit of mean rounds = alpha · log2 n + beta over the sizes with its R².
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tessera::amoebot {

struct SizeSummary {
  std::int64_t amoebots = 0;
  std::int64_t runs = 0;        // all runs, finished or not
  std::int64_t unfinished = 0;  // runs stopped at the round limit: failures, not in the rounds
  double mean = 0, sd = 0;      // rounds
  std::int64_t p95 = 0, p99 = 0, max = 0;
  std::int64_t failures = 0;
  double failure_low = 0, failure_high = 0;  // 95% Wilson interval of the failure rate
};

/// The summary of the runs on `amoebots` amoebots: `rounds` of those that finished (not empty),
/// `unfinished` more that did not, and `failures` of all (the unfinished among them).
/// Percentiles are the nearest-rank ones.
SizeSummary summarize(std::int64_t amoebots, std::vector<std::int64_t> rounds,
                      std::int64_t failures, std::int64_t unfinished);

/// The 95% Wilson score interval of a rate of `failures` in `runs` (runs > 0).
std::pair<double, double> wilson_interval(std::int64_t failures, std::int64_t runs);

struct LogFit {
  double alpha = 0, beta = 0, r2 = 0;
};

/// Least squares of mean rounds against log2(amoebots) over the sizes (at least two distinct
/// sizes); R² is 1 when the means lie on the line, and when they do not vary.
LogFit fit_log2(std::span<const SizeSummary> sizes);

}  // namespace tessera::amoebot
