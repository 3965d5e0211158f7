// Fixed-ratio search (../shared/papers/compress.md §1 "Theory linking error bound, code
// distribution and ratio" and §5 "Fixed ratio"): doubling eb saves about one bit per value, which
// gives the first guess; exact sizes from the codec's own quantizer and Huffman code lengths (no
// encoding) refine it.
#include "fixed_ratio.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "chunk_coding.hpp"
#include "tessera/compress/chunking.hpp"
#include "tessera/compress/format.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::compress {

namespace {

constexpr double kTolerance = 0.02;              // stop within ±2% of the target ratio
constexpr std::size_t kMaxEstimates = 10;        // size estimates per search, all kinds
constexpr std::size_t kMaxSampledEstimates = 4;  // of which sampled ones
constexpr std::size_t kSampleChunks = 8;         // fields of 2× as many chunks are sampled
constexpr double kDoublingsPerBit = 1;           // the high-resolution rule: eb × 2, bits − 1
constexpr double kMinStepLimit = 4;              // a step goes at most 2× the rule's step, and
constexpr double kMaxStepLimit = 16;             // at least 4 and at most 16 doublings
constexpr int kScanStepsPerDoubling = 8;         // the scan of an irregular curve: bounds 2^(1/8)
constexpr int kScanDoublings = 1;                // apart, one doubling either side of the best
constexpr double kFloorExcessBits = 1.0 / 1024;  // bits − 1 below which the curve counts as flat
// Candidate bounds lie between 2^-40 and 2^20 times the probe (REL 1e-3): from REL 1e-15, finer
// than f64 data resolves, to REL 1000, where the whole field is one quantization level. And
// |log2 eb| <= 1000 keeps eb and 1/(2eb) normal doubles.
constexpr double kDoublingsBelowProbe = 40;
constexpr double kDoublingsAboveProbe = 20;
constexpr double kLog2BoundLimit = 1000;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// `options` as an FXR run sees them: the bound mode decides the plan's grid step (none), codes
// (inline) and back end (none).
CompressOptions fixed_ratio_options(const CompressOptions& options) {
  CompressOptions fixed = options;
  fixed.bound.mode = BoundMode::kFixedRatio;
  return fixed;
}

// Stream sizes for candidate bounds, from the chunks' payload sizes (measure_chunk), the chunk
// table and the header and trailer, exactly as compress_field lays the stream out.
template <class T>
class StreamSizer {
 public:
  StreamSizer(const FieldView& field, const CompressOptions& options)
      : values_(field.values<T>()),
        header_(stream_header(field, plan_for_bound(field, fixed_ratio_options(options), 1.0))),
        chunking_(field.shape, header_.slices_per_chunk),
        overhead_bytes_(header_bytes(header_) + kTrailerBytes) {}

  std::size_t chunk_count() const { return chunking_.chunk_count(); }

  /// The exact stream size for bound `eb`.
  std::uint64_t bytes(double eb) const { return stream_bytes(header_, measure(eb, 1).records); }

  /// Bits per value of the stream for bound `eb`, extrapolated from every stride-th chunk.
  double sampled_bits_per_value(double eb, std::size_t stride) const {
    const Measured m = measure(eb, stride);
    std::uint64_t bytes = chunk_table_bytes(m.records);
    for (const ChunkRecord& record : m.records) bytes += record.bytes;
    const double values = static_cast<double>(values_.size());
    const double data = static_cast<double>(bytes) * values / static_cast<double>(m.values);
    return 8.0 * (static_cast<double>(overhead_bytes_) + data) / values;
  }

 private:
  struct Measured {
    std::vector<ChunkRecord> records;  // of the measured chunks
    std::uint64_t values = 0;          // values they hold
  };

  // Chunks 0, stride, 2·stride, ... measured in parallel and summed in chunk order.
  Measured measure(double eb, std::size_t stride) const {
    StreamHeader header = header_;
    header.error_bound = eb;
    const QuantizerSettings settings = quantizer_settings(header);
    std::vector<ChunkRecord> records((chunk_count() + stride - 1) / stride);
    parallel_for(records.size(), 1, [&](std::size_t, Range range) {
      QuantizedSlab scratch;
      for (std::size_t i = range.begin; i < range.end; ++i) {
        const std::size_t c = i * stride;
        const std::span<const T> chunk_values =
            values_.subspan(chunking_.first_value(c), chunking_.values(c));
        if (const std::optional<T> constant = constant_value<T>(chunk_values, settings)) {
          records[i] = encode_constant_chunk(*constant, chunk_values.size()).record;
          continue;
        }
        const ChunkSize size =
            measure_chunk<T>(chunk_values, chunking_.geometry(c), settings, scratch);
        records[i].bytes = size.payload_bytes;
        records[i].outliers = size.outliers;
      }
    });
    std::uint64_t values = 0;
    for (std::size_t i = 0; i < records.size(); ++i) values += chunking_.values(i * stride);
    return {std::move(records), values};
  }

  std::span<const T> values_;
  StreamHeader header_;
  Chunking chunking_;
  std::uint64_t overhead_bytes_;  // header (with magic and version) and trailer
};

// Steps towards the target on the curve (x = log2 eb, y = log2(bits per value - 1)). y falls about
// linearly in x both where the one-bit-per-doubling rule holds and near Huffman's floor of one bit
// per value, where the share of non-zero residuals (so bits - 1) roughly halves per doubling
// ("Where the rule fails"). A step follows the secant through the last two points, else the last
// falling secant, else the rule, and goes at most 2× as far as the rule would. Where the curve is
// flat or rises (plateaus and jitter, e.g. integer-valued data aliasing with the quantization
// step), the search widens instead, each step twice the last. A step that leaves the bracket of
// points seen on either side of the target becomes a bisection.
class BoundSearch {
 public:
  /// Searching for `target_bits` per value with x in [x_min, x_max].
  BoundSearch(double target_bits, double x_min, double x_max)
      : target_bits_(target_bits),
        target_y_(std::log2(target_bits - 1)),
        x_min_(x_min),
        x_max_(x_max) {}

  /// Records `bits` per value at `x` and returns the next x to try.
  double next(double x, double bits) {
    // Constant chunks take less than a bit per value: below the floor the curve counts as flat.
    const double y = std::log2(std::max(bits - 1, kFloorExcessBits));
    const double direction = bits > target_bits_ ? 1 : -1;  // too many bits: eb too small
    (direction > 0 ? low_ : high_) = x;
    const double rule = (bits - target_bits_) * kDoublingsPerBit;
    const double secant = has_last_ ? (y - last_.y) / (x - last_.x) : 0;
    double step = 0;
    if (has_last_ && !(secant < 0)) {
      step = direction * std::min(2 * std::fabs(x - last_.x), kMaxStepLimit);
    } else {
      if (has_last_) slope_ = secant;
      const double limit = std::clamp(2 * std::fabs(rule), kMinStepLimit, kMaxStepLimit);
      step = std::clamp(slope_ < 0 ? (target_y_ - y) / slope_ : rule, -limit, limit);
    }
    if (std::isfinite(low_) && std::isfinite(high_) &&
        !(std::min(low_, high_) < x + step && x + step < std::max(low_, high_))) {
      step = (low_ + high_) / 2 - x;
    }
    last_ = {x, y};
    has_last_ = true;
    return std::clamp(x + step, x_min_, x_max_);
  }

  /// Starts over on a different measure of the same curve (sampled to whole field): the slope is
  /// kept, the last point and the bracket are not.
  void restart() {
    has_last_ = false;
    low_ = -kInfinity;
    high_ = kInfinity;
  }

 private:
  struct Point {
    double x = 0;
    double y = 0;
  };

  double target_bits_;
  double target_y_;
  double x_min_;
  double x_max_;
  double slope_ = 0;  // dy/dx of the latest falling secant (0: none yet)
  Point last_;
  bool has_last_ = false;
  double low_ = -kInfinity;  // latest x with more bits than the target
  double high_ = kInfinity;  // latest x with fewer bits than the target
};

// log2 of the probe bound: REL 1e-3 (of the magnitude for a constant field).
double probe_log2_bound(const ValueRange& range) {
  const double scale = range.max > range.min ? range.max - range.min
                                             : std::max(std::fabs(range.min), std::fabs(range.max));
  return std::clamp(std::log2(scale > 0 ? 1e-3 * scale : 1e-3), -kLog2BoundLimit, kLog2BoundLimit);
}

template <class T>
FixedRatioBound search(const FieldView& field, double target, const CompressOptions& options) {
  const StreamSizer<T> sizer(field, options);
  const double value_bits = 8.0 * sizeof(T);
  const auto input_bytes = static_cast<double>(field.bytes.size());
  const std::size_t stride =
      sizer.chunk_count() >= 2 * kSampleChunks ? sizer.chunk_count() / kSampleChunks : 1;
  const auto off_target = [&](double ratio) { return std::fabs(std::log(ratio / target)); };
  const auto near = [&](double ratio) { return std::fabs(ratio / target - 1) <= kTolerance; };
  FixedRatioBound best;
  // The exact ratio at `eb`, kept in `best` when it is the closest yet.
  const auto consider = [&](double eb) {
    const double ratio = input_bytes / static_cast<double>(sizer.bytes(eb));
    ++best.estimates;
    // Ties (constant chunks give every bound the same size) go to the smaller bound.
    if (best.ratio == 0 || off_target(ratio) < off_target(best.ratio) ||
        (off_target(ratio) == off_target(best.ratio) && eb < best.error_bound)) {
      best.error_bound = eb;
      best.ratio = ratio;
    }
    return ratio;
  };

  double x = probe_log2_bound(value_range(field));
  const double x_min = std::max(x - kDoublingsBelowProbe, -kLog2BoundLimit);
  const double x_max = std::min(x + kDoublingsAboveProbe, kLog2BoundLimit);
  BoundSearch steps(value_bits / target, x_min, x_max);
  bool sampled = stride > 1;
  for (std::size_t estimate = 1; estimate <= kMaxEstimates; ++estimate) {
    double bits = 0;
    if (sampled) {
      bits = sizer.sampled_bits_per_value(std::exp2(x), stride);
      ++best.estimates;
    } else {
      bits = value_bits / consider(std::exp2(x));
    }
    const bool on_target = std::fabs(value_bits / bits / target - 1) <= kTolerance;
    const double next = on_target ? x : steps.next(x, bits);
    if (next == x && !sampled) break;  // on target, or held at the end of the range
    if (sampled && (next == x || estimate == kMaxSampledEstimates)) {
      sampled = false;  // on to the whole field, at the same bound or the next step
      steps.restart();
    }
    x = next;
  }
  // Off target after the search: the curve jumps or turns back near the best bound (bounds near
  // the data's float spacing make reconstructions miss the bound and become outliers, so the
  // size can grow with eb). Scan exact sizes on a grid around it; keep the closest.
  const double best_x = std::log2(best.error_bound);
  for (int k = 1; k <= kScanStepsPerDoubling * kScanDoublings && !near(best.ratio); ++k) {
    for (const int side : {-1, 1}) {
      const double scan_x =
          std::clamp(best_x + side * k / double{kScanStepsPerDoubling}, x_min, x_max);
      consider(std::exp2(scan_x));
      if (near(best.ratio)) break;
    }
  }
  return best;
}

}  // namespace

double max_fixed_ratio(DataType type) { return 8.0 * static_cast<double>(element_bytes(type)); }

std::uint64_t estimate_stream_bytes(const FieldView& field, double error_bound,
                                    const CompressOptions& options) {
  return field.type == DataType::kFloat64 ? StreamSizer<double>(field, options).bytes(error_bound)
                                          : StreamSizer<float>(field, options).bytes(error_bound);
}

FixedRatioBound find_fixed_ratio_bound(const FieldView& field, double target_ratio,
                                       const CompressOptions& options) {
  const double max = max_fixed_ratio(field.type);
  if (!(target_ratio >= 1 && target_ratio < max)) {
    throw usage_error("CompressOptions::bound.ratio",
                      fmt::format("fixed-ratio target {:g} for {} ({}) is outside [1, {:g}): "
                                  "Huffman codes take at least one bit per value",
                                  target_ratio, field.name, to_string(field.type), max));
  }
  return field.type == DataType::kFloat64 ? search<double>(field, target_ratio, options)
                                          : search<float>(field, target_ratio, options);
}

}  // namespace tessera::compress
