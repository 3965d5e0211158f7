// Round-count statistics (study.hpp).
#include "tessera/amoebot/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "tessera/core/error.hpp"

namespace tessera::amoebot {

SizeSummary summarize(std::int64_t amoebots, std::vector<std::int64_t> rounds,
                      std::int64_t failures, std::int64_t unfinished) {
  if (rounds.empty()) throw Error("study", fmt::format("no run on {} amoebots finished", amoebots));
  std::sort(rounds.begin(), rounds.end());
  const auto n = static_cast<double>(rounds.size());
  double sum = 0, squares = 0;
  for (const std::int64_t r : rounds) sum += static_cast<double>(r);
  const double mean = sum / n;
  for (const std::int64_t r : rounds)
    squares += (static_cast<double>(r) - mean) * (static_cast<double>(r) - mean);
  const auto rank = [&](double q) {  // nearest rank: the smallest value with at least q below
    const auto k = static_cast<std::size_t>(std::ceil(q * n));
    return rounds[std::min(rounds.size(), std::max<std::size_t>(k, 1)) - 1];
  };
  SizeSummary s;
  s.amoebots = amoebots;
  s.runs = static_cast<std::int64_t>(rounds.size()) + unfinished;
  s.unfinished = unfinished;
  s.mean = mean;
  s.sd = rounds.size() > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
  s.p95 = rank(0.95);
  s.p99 = rank(0.99);
  s.max = rounds.back();
  s.failures = failures;
  std::tie(s.failure_low, s.failure_high) = wilson_interval(failures, s.runs);
  return s;
}

std::pair<double, double> wilson_interval(std::int64_t failures, std::int64_t runs) {
  constexpr double kZ = 1.959963984540054;  // the normal quantile of 0.975
  const auto n = static_cast<double>(runs);
  const double p = static_cast<double>(failures) / n, z2 = kZ * kZ;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = kZ * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

LogFit fit_log2(std::span<const SizeSummary> sizes) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const auto n = static_cast<double>(sizes.size());
  for (const SizeSummary& s : sizes) {
    const double x = std::log2(static_cast<double>(s.amoebots));
    sx += x, sy += s.mean, sxx += x * x, sxy += x * s.mean;
  }
  const double denominator = n * sxx - sx * sx;
  if (sizes.size() < 2 || denominator <= 0)
    throw Error("study", "the fit needs at least two distinct sizes");
  LogFit f;
  f.alpha = (n * sxy - sx * sy) / denominator;
  f.beta = (sy - f.alpha * sx) / n;
  double residual = 0, total = 0;
  for (const SizeSummary& s : sizes) {
    const double fitted = f.alpha * std::log2(static_cast<double>(s.amoebots)) + f.beta;
    residual += (s.mean - fitted) * (s.mean - fitted);
    total += (s.mean - sy / n) * (s.mean - sy / n);
  }
  f.r2 = total > 0 ? 1 - residual / total : 1.0;
  return f;
}

}  // namespace tessera::amoebot
