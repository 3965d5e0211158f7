// The kernels of value_range (metrics.hpp) as records of core's kernel registry, one per
// instruction set, all compiled from range_kernel.inc: integer min/max only, so every record gives
// the same result.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <variant>

#include "tessera/core/kernel_registry.hpp"

namespace tessera::compress {

/// Min, max and count of the counted values of a piece of a field (finite, not the fill value).
struct RangePartial {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::size_t counted = 0;

  void add(double x) {
    min = std::min(min, x);
    max = std::max(max, x);
    ++counted;
  }
  void merge(const RangePartial& other) {
    min = std::min(min, other.min);
    max = std::max(max, other.max);
    counted += other.counted;
  }
};

/// The range of `values` ignoring points equal to `fill`, into `result`.
struct RangeProblem {
  std::variant<std::span<const float>, std::span<const double>> values;
  const std::optional<double>& fill;
  RangePartial& result;
};

/// "compress.value_range": records scalar, avx2, avx512.
const KernelRegistry<RangeProblem>& range_kernels();

}  // namespace tessera::compress
