// Grid detection over a sample: the smallest spacing of the sorted distinct sample values, averaged
// over the small gaps, gives each value's grid index, the extreme values' indices a first step,
// least squares over all values the final one, and every sample value must sit on a multiple of it.
#include "value_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace tessera::compress {

namespace {

constexpr std::size_t kSampleSize = 1024;
// Sample values may miss the grid by this fraction of its step (rounding of the stored values).
constexpr double kMaxRelativeDeviation = 1.0 / 64;
// Gaps of at most this many grid steps estimate the step before all gaps are counted in it.
constexpr double kNearSteps = 8;

template <class T>
std::vector<double> distinct_sample(const FieldView& field) {
  const std::span<const T> values = field.values<T>();
  const std::size_t n = values.size();
  const std::size_t count = std::min(n, kSampleSize);
  std::vector<double> sample;
  sample.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const T x = values[i * n / count];
    if (!std::isfinite(x) || (field.fill_value && x == static_cast<T>(*field.fill_value))) continue;
    sample.push_back(static_cast<double>(x));
  }
  std::ranges::sort(sample);
  sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
  return sample;
}

// A step the quantizer can divide by: positive, finite, with a finite reciprocal.
bool usable_step(double step) {
  return step > 0 && std::isfinite(step) && std::isfinite(1.0 / step);
}

std::optional<ValueGrid> grid_of(const std::vector<double>& sorted) {
  if (sorted.size() < 2) return std::nullopt;
  double spacing = std::numeric_limits<double>::infinity();
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    spacing = std::min(spacing, sorted[i] - sorted[i - 1]);
  }
  // The smallest spacing is itself rounded (float32 values near 5000 are 0.0005 apart), so first
  // average it over the gaps of a few steps, then count the steps of every gap with that.
  double near_gaps = 0;
  double near_steps = 0;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const double steps = std::round((sorted[i] - sorted[i - 1]) / spacing);
    if (steps > kNearSteps) continue;
    near_gaps += sorted[i] - sorted[i - 1];
    near_steps += steps;
  }
  const double mean_spacing = near_gaps / near_steps;
  // Grid indices relative to the smallest value, from the neighbour gaps.
  double index = 0;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    index += std::round((sorted[i] - sorted[i - 1]) / mean_spacing);
  }
  const double rough = (sorted.back() - sorted.front()) / index;
  if (!usable_step(rough)) return std::nullopt;
  // Least squares over every sample value refines the step (exact for whole numbers).
  double kx = 0;
  double kk = 0;
  for (double x : sorted) {
    const double k = std::round(x / rough);
    kx += k * x;
    kk += k * k;
  }
  const double step = kx / kk;  // the sums overflow to inf for values near the largest doubles
  if (!usable_step(step)) return std::nullopt;
  ValueGrid grid{step, 0.0};
  for (double x : sorted) {
    const double deviation = std::fabs(x - std::round(x / step) * step);
    if (!(deviation <= grid.max_deviation)) grid.max_deviation = deviation;  // NaN sticks
  }
  if (!(grid.max_deviation <= step * kMaxRelativeDeviation)) return std::nullopt;
  return grid;
}

}  // namespace

std::optional<ValueGrid> detect_value_grid(const FieldView& field) {
  return grid_of(field.type == DataType::kFloat64 ? distinct_sample<double>(field)
                                                  : distinct_sample<float>(field));
}

double grid_step_for(const FieldView& field, double error_bound) {
  const std::optional<ValueGrid> grid = detect_value_grid(field);
  if (!grid || !(grid->step > 2.0 * error_bound) || !(grid->max_deviation <= error_bound / 2)) {
    return 0.0;
  }
  return grid->step;
}

}  // namespace tessera::compress
