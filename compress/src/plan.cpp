// The planner (plan.hpp): error-bound resolution, grid detection, chunking and the offline set,
// below both the compressor and the fixed-ratio search.
#include "tessera/compress/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "tessera/compress/chunking.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/error.hpp"
#include "value_grid.hpp"

namespace tessera::compress {

namespace {

// The largest power of two that divides c exactly (c != 0), so c / it is an odd integer.
double largest_power_of_two_dividing(double c) {
  int exponent = 0;
  const double fraction = std::frexp(std::fabs(c), &exponent);
  const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  return std::ldexp(1.0, exponent - 53 + std::countr_zero(mantissa));
}

void check_bound(const ErrorBound& bound) {
  if (bound.mode == BoundMode::kFixedRatio) {
    throw usage_error("CompressOptions::bound",
                      "FXR has no error bound of its own: it is searched for the target "
                      "ratio at compression (find_fixed_ratio_bound)");
  }
  const auto positive = [](double v) { return v > 0 && std::isfinite(v); };
  const bool abs_ok = bound.mode == BoundMode::kRel || positive(bound.abs);
  const bool rel_ok = bound.mode == BoundMode::kAbs || positive(bound.rel);
  if (!abs_ok || !rel_ok) {
    throw usage_error("CompressOptions::bound",
                      fmt::format("{} needs positive finite bounds", to_string(bound)));
  }
}

// The offline set the plan uses: null for none.
const CodebookSet* offline_set(const CompressOptions& options) {
  if (options.codebook_mode == CodebookMode::kInline) return nullptr;
  const CodebookSet& set =
      options.codebooks != nullptr ? *options.codebooks : default_codebook_set();
  if (set.radius != options.radius) {
    if (options.codebook_mode == CodebookMode::kAuto && options.codebooks == nullptr) {
      return nullptr;
    }
    const bool given = options.codebooks != nullptr;
    throw usage_error(given ? "CompressOptions::codebooks" : "CompressOptions::codebook_mode",
                      fmt::format("the {} codebook set has radius {}, the quantizer {}",
                                  given ? "given" : "built-in", set.radius, options.radius));
  }
  return &set;
}

}  // namespace

double resolve_error_bound(const FieldView& field, const ErrorBound& bound) {
  check_bound(bound);
  if (bound.mode == BoundMode::kAbs) return bound.abs;
  const ValueRange range = value_range(field);
  if (range.counted == 0) return bound.mode == BoundMode::kAbsAndRel ? bound.abs : 1.0;
  const double span = range.max - range.min;
  if (span == 0) {
    const double exact = range.min == 0 ? 1.0 : largest_power_of_two_dividing(range.min) / 2;
    return bound.mode == BoundMode::kAbsAndRel ? std::min(bound.abs, exact) : exact;
  }
  // Values near ±1.8e308 span more than the largest double: scale before subtracting then.
  const double rel =
      std::isfinite(span) ? bound.rel * span : bound.rel * range.max - bound.rel * range.min;
  return bound.mode == BoundMode::kAbsAndRel ? std::min(bound.abs, rel) : rel;
}

CompressPlan plan_for_bound(const FieldView& field, const CompressOptions& options,
                            double error_bound) {
  const bool fixed_ratio = options.bound.mode == BoundMode::kFixedRatio;
  CompressPlan plan;
  plan.requested = options.bound;
  plan.error_bound = error_bound;
  // FXR sizes streams by the bound alone (fixed_ratio.hpp), so it prequantizes by 2eb.
  if (!fixed_ratio) plan.grid_step = grid_step_for(field, error_bound);
  plan.radius = options.radius;
  plan.slices_per_chunk = Chunking::slices_for(
      field.shape,
      options.chunk_values > 0 ? options.chunk_values : automatic_chunk_values(field.size()));
  plan.chunks = Chunking(field.shape, plan.slices_per_chunk).chunk_count();
  plan.codebook_mode = fixed_ratio ? CodebookMode::kInline : options.codebook_mode;
  CompressOptions effective = options;
  effective.codebook_mode = plan.codebook_mode;
  plan.codebooks = offline_set(effective);
  plan.lossless = fixed_ratio ? Lossless::kNone : options.lossless;
  plan.zstd_level = options.zstd_level;
  return plan;
}

StreamHeader stream_header(const FieldView& field, const CompressPlan& plan) {
  StreamHeader header;
  header.type = field.type;
  header.shape = field.shape;
  header.requested = plan.requested;
  header.error_bound = plan.error_bound;
  header.grid_step = plan.grid_step;
  header.radius = plan.radius;
  header.fill_value = field.fill_value;
  header.slices_per_chunk = plan.slices_per_chunk;
  header.lossless = plan.lossless;
  if (plan.codebooks != nullptr) {
    header.codebook_hash = codebook_set_hash(*plan.codebooks);
    header.codebook_set = header.codebook_hash == codebook_set_hash(default_codebook_set())
                              ? kDefaultCodebookSet
                              : kCustomCodebookSet;
  }
  return header;
}

std::string to_string(const CompressPlan& plan) {
  std::string books = "none";
  if (plan.codebooks == &default_codebook_set()) {
    books = fmt::format("built-in set {}", kDefaultCodebookSet);
  } else if (plan.codebooks != nullptr) {
    books = fmt::format("custom set, hash {:08x}", codebook_set_hash(*plan.codebooks));
  }
  std::string out = fmt::format(
      "bound: {}\n"
      "error bound: {:.6g}\n"
      "grid step: {}\n"
      "radius: {}\n"
      "chunks: {} of {} slices\n"
      "codebooks: {}, offline set: {}\n"
      "lossless: {}\n",
      to_string(plan.requested), plan.error_bound,
      plan.grid_step > 0 ? fmt::format("{:.6g}", plan.grid_step) : "none", plan.radius, plan.chunks,
      plan.slices_per_chunk, to_string(plan.codebook_mode), books,
      plan.lossless == Lossless::kZstd ? fmt::format("zstd level {}", plan.zstd_level) : "none");
  if (plan.requested.mode == BoundMode::kFixedRatio) {
    out += fmt::format("expected ratio: {:.3f} ({} size estimates)\n", plan.expected_ratio,
                       plan.estimates);
  }
  return out;
}

}  // namespace tessera::compress
