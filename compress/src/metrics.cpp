// Field statistics as per-piece partial results over parallel_for's fixed pieces, folded in piece
// order, so every figure (sums included) is the same for any thread count.
#include "tessera/compress/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>
#include <variant>
#include <vector>

#include "range_kernels.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::compress {
namespace {

constexpr std::size_t kGrain = std::size_t{1} << 16;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

template <class T>
using Bits = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;

/// Non-finite or equal to the fill value: left out of the statistics, must be reproduced exactly.
template <class T>
bool is_special(T x, const std::optional<double>& fill) {
  return !std::isfinite(x) || (fill.has_value() && x == static_cast<T>(*fill));
}

template <class T>
bool same_bits(T a, T b) {
  return std::bit_cast<Bits<T>>(a) == std::bit_cast<Bits<T>>(b);
}

/// body.template operator()<T>() with T the value type `type` stands for.
template <class Body>
decltype(auto) with_value_type(DataType type, const Body& body) {
  if (type == DataType::kFloat32) return body.template operator()<float>();
  return body.template operator()<double>();
}

/// piece(range) for each parallel_for piece of [0, n), folded with Partial::merge in piece order.
template <class Partial, class Piece>
Partial reduce_pieces(std::size_t n, const Piece& piece) {
  std::vector<Partial> partials(piece_count(n, kGrain));
  parallel_for(n, kGrain, [&](std::size_t p, Range range) { partials[p] = piece(range); });
  Partial total;
  for (const Partial& partial : partials) total.merge(partial);
  return total;
}

struct ComparePartial {
  RangePartial range;  // of the original's compared points
  double max_abs = 0.0;
  std::size_t worst = 0;
  double sum_squares = 0.0;
  std::size_t mismatched_special = 0;

  void merge(const ComparePartial& other) {
    range.merge(other.range);
    if (other.max_abs > max_abs) {
      max_abs = other.max_abs;
      worst = other.worst;
    }
    sum_squares += other.sum_squares;
    mismatched_special += other.mismatched_special;
  }
};

struct BoundPartial {
  std::size_t violations = 0;
  std::size_t first = 0;

  void add(std::size_t index) {
    if (violations == 0) first = index;
    ++violations;
  }
  void merge(const BoundPartial& other) {
    if (violations == 0) first = other.first;
    violations += other.violations;
  }
};

void check_comparable(const FieldView& original, const FieldView& decoded) {
  if (original.type == decoded.type && original.shape == decoded.shape) return;
  throw Error(decoded.name,
              fmt::format("is {} {}, but the original {} is {} {}", shape_string(decoded.shape),
                          to_string(decoded.type), original.name, shape_string(original.shape),
                          to_string(original.type)));
}

/// value / range, where a zero range makes any nonzero value infinitely large.
double relative_to(double value, double range) {
  if (value == 0.0) return 0.0;
  return range > 0.0 ? value / range : kInfinity;
}

template <class T>
RangePartial range_of(std::span<const T> values, const std::optional<double>& fill) {
  RangePartial result;
  range_kernels().run(RangeProblem{values, fill, result});
  return result;
}

ValueRange to_value_range(const RangePartial& r) {
  return r.counted == 0 ? ValueRange{} : ValueRange{r.min, r.max, r.counted};
}

}  // namespace

ValueRange value_range(const FieldView& field) {
  return to_value_range(with_value_type(field.type, [&]<class T>() {
    const auto values = field.values<T>();
    return reduce_pieces<RangePartial>(values.size(), [&](Range range) {
      return range_of(values.subspan(range.begin, range.size()), field.fill_value);
    });
  }));
}

ErrorStats compare_fields(const FieldView& original, const FieldView& decoded) {
  check_comparable(original, decoded);
  const ComparePartial total = with_value_type(original.type, [&]<class T>() {
    const auto a = original.values<T>();
    const auto b = decoded.values<T>();
    return reduce_pieces<ComparePartial>(a.size(), [&](Range range) {
      ComparePartial partial;
      for (std::size_t i = range.begin; i < range.end; ++i) {
        if (is_special(a[i], original.fill_value)) {
          if (!same_bits(a[i], b[i])) ++partial.mismatched_special;
          continue;
        }
        const double difference = static_cast<double>(a[i]) - static_cast<double>(b[i]);
        const double error = std::isnan(difference) ? kInfinity : std::abs(difference);
        partial.range.add(a[i]);
        partial.sum_squares += error * error;
        if (error > partial.max_abs) {
          partial.max_abs = error;
          partial.worst = i;
        }
      }
      return partial;
    });
  });

  ErrorStats stats;
  stats.compared = total.range.counted;
  stats.mismatched_special = total.mismatched_special;
  stats.max_abs_error = total.max_abs;
  stats.worst_index = total.worst;
  const ValueRange range = to_value_range(total.range);
  const double span = range.max - range.min;
  stats.rmse = stats.compared == 0
                   ? 0.0
                   : std::sqrt(total.sum_squares / static_cast<double>(stats.compared));
  stats.max_rel_error = relative_to(stats.max_abs_error, span);
  stats.nrmse = relative_to(stats.rmse, span);
  if (stats.rmse == 0.0) {
    stats.psnr_db = kInfinity;
  } else {
    stats.psnr_db = span > 0.0 ? 20.0 * std::log10(span / stats.rmse) : -kInfinity;
  }
  return stats;
}

BoundCheck check_abs_bound(const FieldView& original, const FieldView& decoded, double abs_bound) {
  if (!(abs_bound >= 0.0)) {
    throw usage_error("absolute error bound", fmt::format("must be at least 0, got {}", abs_bound));
  }
  check_comparable(original, decoded);
  const BoundPartial total = with_value_type(original.type, [&]<class T>() {
    const auto a = original.values<T>();
    const auto b = decoded.values<T>();
    return reduce_pieces<BoundPartial>(a.size(), [&](Range range) {
      BoundPartial partial;
      for (std::size_t i = range.begin; i < range.end; ++i) {
        const bool kept =
            is_special(a[i], original.fill_value)
                ? same_bits(a[i], b[i])
                : std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])) <= abs_bound;
        if (!kept) partial.add(i);
      }
      return partial;
    });
  });
  return {total.violations == 0, total.violations, total.first};
}

}  // namespace tessera::compress
