// Dual quantization + integer Lorenzo prediction over slabs, encoder and decoder sharing one
// arithmetic (prequantize / reconstruct), compiled without FMA contraction so both sides agree
// bit for bit. Outlier records: varint((index - previous index) << 1 | kind), then the payload.
#include "tessera/compress/quantizer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {

enum class OutlierKind : std::uint64_t {
  kUnpredictable = 0,  // payload: zigzag varint residual (|residual| >= radius)
  kVerbatim = 1,       // payload: the value's bytes (non-finite, huge, or bound would be violated)
};

// Adding and subtracting 1.5·2^52 rounds a double of magnitude below 2^51 to the nearest integer
// (ties to even) with plain IEEE arithmetic: no libm call, vectorizable, the same on every build.
constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 * 2^52

// Prequantized integers are held in doubles: all are below 2^50, so the Lorenzo sums of seven of
// them stay below 2^53 and every operation on them is exact integer arithmetic that vectorizes.
using Integer = double;

// The one place where values and integers convert; the encoder and the decoder both use it.
template <class T>
struct Arithmetic {
  double inv_two_eb;
  double two_eb;
  double eb;

  explicit Arithmetic(double error_bound)
      : inv_two_eb(1.0 / (2.0 * error_bound)), two_eb(2.0 * error_bound), eb(error_bound) {}

  double scaled(T x) const { return static_cast<double>(x) * inv_two_eb; }
  static bool representable(double scaled) { return std::fabs(scaled) < kMaxQuantized; }
  static Integer round(double scaled) { return (scaled + kRoundingShift) - kRoundingShift; }
  T reconstruct(Integer q) const { return static_cast<T>(q * two_eb); }
  bool within_bound(T x, T reconstructed) const {
    return std::fabs(static_cast<double>(x) - static_cast<double>(reconstructed)) <= eb;
  }
  // Prediction basis of a verbatim value: its prequantized integer, or the continuation.
  Integer verbatim_basis(T x, Integer prediction) const {
    const double s = scaled(x);
    return representable(s) ? round(s) : continuation(prediction);
  }
  // Points without a prequantized value (fill, non-finite, huge) continue the prediction, clamped
  // so that every stored integer stays below 2^50.
  static Integer continuation(Integer prediction) {
    return std::clamp(prediction, -kMaxQuantized + 1, kMaxQuantized - 1);
  }
};

// Padded planes of prequantized integers: a zero row above row 0 and a zero column left of
// column 0, so the Lorenzo stencil needs no boundary tests. Slabs of one plane (1-D, 2-D fields)
// keep only two rows in a ring; slabs of several planes keep two whole planes.
class PlaneBuffers {
 public:
  void reset(std::size_t planes, std::size_t rows, std::size_t cols) {
    stride_ = cols + 1;
    ring_rows_ = planes == 1 ? 2 : rows + 1;
    current_.assign(ring_rows_ * stride_, 0);
    previous_.assign(ring_rows_ * stride_, 0);
  }
  // Makes the current plane the previous one; `use_previous` false zeroes it (volume boundary).
  void advance(bool use_previous) {
    current_.swap(previous_);
    if (!use_previous) std::fill(previous_.begin(), previous_.end(), 0.0);
  }
  struct Rows {
    Integer* row;             // row y of the current plane; row[-1] is the zero padding
    const Integer* up;        // row y-1 of the current plane
    const Integer* prev_row;  // row y of the previous plane
    const Integer* prev_up;   // row y-1 of the previous plane
  };
  Rows rows(std::size_t y) {
    const std::size_t row = (y + 1) % ring_rows_ * stride_ + 1;
    const std::size_t up = y % ring_rows_ * stride_ + 1;
    return {current_.data() + row, current_.data() + up, previous_.data() + row,
            previous_.data() + up};
  }

 private:
  std::size_t stride_ = 0;
  std::size_t ring_rows_ = 0;
  std::vector<Integer> current_;
  std::vector<Integer> previous_;
};

// Lorenzo prediction at column x (Ibarria et al. 2003): 2-D stencil on the current plane, plus the
// 3-D terms when the previous plane takes part.
template <bool kHasPrevious>
Integer lorenzo(const PlaneBuffers::Rows& r, std::size_t x) {
  Integer prediction = r.row[x - 1] + r.up[x] - r.up[x - 1];
  if constexpr (kHasPrevious) {
    prediction += r.prev_row[x] - r.prev_row[x - 1] - r.prev_up[x] + r.prev_up[x - 1];
  }
  return prediction;
}

// Slabs are chunks of a field: fewer than 2^32 values, so 32-bit counters suffice.
constexpr std::size_t kMaxSlabValues = std::size_t{1} << 32;

bool previous_plane_used(const SlabGeometry& g, std::size_t plane) {
  if (plane == 0) return false;
  return g.planes_per_volume == 0 || (g.first_plane + plane) % g.planes_per_volume != 0;
}

// Encoder, one row at a time in passes: (1) prequantize and check every value (branch-free,
// vectorizable); (2) fix the prediction basis of special points left to right (rare); (3) compute
// residual codes (vectorizable: dual quantization has no feedback from reconstructed values);
// (4) write outlier records in index order (rare); (5) histogram.
template <class T>
class SlabEncoder {
 public:
  SlabEncoder(const QuantizerSettings& s, QuantizedSlab& out)
      : math_(s.error_bound),
        radius_(static_cast<double>(s.radius)),
        has_fill_(s.fill_value.has_value()),
        fill_(static_cast<T>(s.fill_value.value_or(0.0))),
        fill_code_(s.fill_code()),
        out_(out) {}

  template <bool kHasPrevious>
  void encode_plane(const T* values, PlaneBuffers& q, std::size_t rows, std::size_t cols,
                    std::size_t base) {
    special_.resize(cols);
    residual_.resize(cols);
    for (std::size_t y = 0; y < rows; ++y) {
      const PlaneBuffers::Rows r = q.rows(y);
      const std::size_t offset = base + y * cols;
      const T* v = values + offset;
      std::uint16_t* codes = out_.codes.data() + offset;
      const std::size_t specials = prequantize_row(v, r.row, cols);
      if (specials > 0) fix_special_bases<kHasPrevious>(v, r, cols);
      const std::size_t unpredictable = residual_codes<kHasPrevious>(r, codes, cols);
      if (specials + unpredictable > 0) write_records(v, codes, cols, offset);
      count_codes(codes, cols);
    }
  }

  void finish() {
    const auto bytes = writer_.bytes();
    out_.outliers.assign(bytes.begin(), bytes.end());
    const std::size_t n = out_.histogram.size();
    for (std::size_t lane = 0; lane < kHistogramLanes; ++lane) {
      for (std::size_t c = 0; c < n; ++c) out_.histogram[c] += lane_counts_[lane * n + c];
    }
  }

 private:
  // Pass 5: the code histogram, spread over lanes: smooth data repeats one code, and a single
  // counter would serialise every increment through memory.
  void count_codes(const std::uint16_t* codes, std::size_t cols) {
    const std::size_t n = out_.histogram.size();
    std::uint32_t* counts = lane_counts_.data();
    std::size_t x = 0;
    for (; x + kHistogramLanes <= cols; x += kHistogramLanes) {
      for (std::size_t lane = 0; lane < kHistogramLanes; ++lane) ++counts[lane * n + codes[x + lane]];
    }
    for (; x < cols; ++x) ++counts[codes[x]];
  }

  // Pass 1: q = round(x / 2eb); special_[x] = 1 for points that cannot be coded by a residual.
  // Branch-free (bitwise & on the conditions, locals instead of members) so that it vectorizes.
  std::size_t prequantize_row(const T* __restrict v, Integer* __restrict q, std::size_t cols) {
    const Arithmetic<T> math = math_;
    const bool has_fill = has_fill_;
    const T fill = fill_;
    std::uint8_t* __restrict special = special_.data();
    std::size_t specials = 0;
    for (std::size_t x = 0; x < cols; ++x) {
      const double s = math.scaled(v[x]);
      const bool representable = Arithmetic<T>::representable(s);
      const Integer rounded = Arithmetic<T>::round(representable ? s : 0.0);
      const bool ok = representable & math.within_bound(v[x], math.reconstruct(rounded)) &
                      !(has_fill & (v[x] == fill));
      q[x] = rounded;
      special[x] = ok ? 0 : 1;
      specials += ok ? 0 : 1;
    }
    return specials;
  }

  // Pass 2: fill and unrepresentable points continue the prediction (left to right, since the
  // prediction uses the final basis of the left neighbour).
  template <bool kHasPrevious>
  void fix_special_bases(const T* v, const PlaneBuffers::Rows& r, std::size_t cols) {
    for (std::size_t x = 0; x < cols; ++x) {
      if (special_[x] == 0) continue;
      const Integer prediction = lorenzo<kHasPrevious>(r, x);
      const bool fill = has_fill_ && v[x] == fill_;
      r.row[x] = fill ? Arithmetic<T>::continuation(prediction) : math_.verbatim_basis(v[x], prediction);
    }
  }

  // Pass 3: residual codes; 0 where the residual is out of range (or the point is special).
  template <bool kHasPrevious>
  std::size_t residual_codes(const PlaneBuffers::Rows& r, std::uint16_t* codes, std::size_t cols) {
    std::size_t out_of_range = 0;
    for (std::size_t x = 0; x < cols; ++x) {
      const Integer residual = r.row[x] - lorenzo<kHasPrevious>(r, x);
      const bool in_range = std::fabs(residual) < radius_;
      residual_[x] = residual;
      codes[x] = static_cast<std::uint16_t>(in_range ? static_cast<int>(residual + radius_) : 0);
      out_of_range += in_range ? 0 : 1;
    }
    return out_of_range;
  }

  // Pass 4: codes and records of special and unpredictable points, in index order.
  void write_records(const T* v, std::uint16_t* codes, std::size_t cols, std::size_t offset) {
    for (std::size_t x = 0; x < cols; ++x) {
      if (special_[x] != 0) {
        if (has_fill_ && v[x] == fill_) {
          codes[x] = fill_code_;
        } else {
          codes[x] = 0;
          add_record(OutlierKind::kVerbatim, offset + x);
          writer_.put(v[x]);
        }
      } else if (codes[x] == 0) {
        add_record(OutlierKind::kUnpredictable, offset + x);
        writer_.put_varint_i64(static_cast<std::int64_t>(residual_[x]));
      }
    }
  }

  void add_record(OutlierKind kind, std::size_t index) {
    writer_.put_varint_u64((static_cast<std::uint64_t>(index - last_outlier_) << 1) |
                           static_cast<std::uint64_t>(kind));
    last_outlier_ = index;
    ++out_.outlier_count;
  }

  Arithmetic<T> math_;
  double radius_;
  bool has_fill_;
  T fill_;
  std::uint16_t fill_code_;
  QuantizedSlab& out_;
  ByteWriter writer_{"outliers"};
  std::size_t last_outlier_ = 0;
  std::vector<std::uint8_t> special_;
  std::vector<Integer> residual_;
  static constexpr std::size_t kHistogramLanes = 4;
  std::vector<std::uint32_t> lane_counts_ =
      std::vector<std::uint32_t>(kHistogramLanes * out_.histogram.size(), 0);
};

template <class T>
class SlabDecoder {
 public:
  SlabDecoder(const QuantizerSettings& s, std::span<const std::byte> outliers,
              std::size_t outlier_count, std::string_view source)
      : math_(s.error_bound),
        radius_(static_cast<double>(s.radius)),
        fill_(static_cast<T>(s.fill_value.value_or(0.0))),
        has_fill_(s.fill_value.has_value()),
        fill_code_(s.fill_code()),
        reader_(outliers, std::string(source)),
        remaining_(outlier_count),
        source_(source) {
    read_next_record();
  }

  template <bool kHasPrevious>
  void decode_plane(const std::uint16_t* codes, PlaneBuffers& q, std::size_t rows,
                    std::size_t cols, std::size_t base, T* out) {
    for (std::size_t y = 0; y < rows; ++y) {
      const PlaneBuffers::Rows r = q.rows(y);
      const std::size_t offset = base + y * cols;
      for (std::size_t x = 0; x < cols; ++x) {
        const Integer prediction = lorenzo<kHasPrevious>(r, x);
        const std::uint16_t code = codes[offset + x];
        if (code != 0 && code < fill_code_) {  // the common case: a residual code
          const Integer value = prediction + (static_cast<double>(code) - radius_);
          if (!(std::fabs(value) < kMaxQuantized)) corrupt("prequantized value out of range");
          r.row[x] = value;
          out[offset + x] = math_.reconstruct(value);
        } else {
          r.row[x] = decode_special(code, prediction, offset + x, out[offset + x]);
        }
      }
    }
  }

  void finish() {
    if (next_index_ != kNone) corrupt("outlier record for a point that has no outlier code");
    reader_.expect_end();
  }

 private:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

  Integer decode_special(std::uint16_t code, Integer prediction, std::size_t index, T& out) {
    if (code == fill_code_ && has_fill_) {
      out = fill_;
      return Arithmetic<T>::continuation(prediction);
    }
    if (code != 0) corrupt(fmt::format("code {} outside the alphabet", code));
    if (index != next_index_) corrupt("outlier code without an outlier record");
    Integer q = 0;
    if (next_kind_ == OutlierKind::kVerbatim) {
      out = reader_.get<T>();
      q = math_.verbatim_basis(out, prediction);
    } else {
      const std::int64_t residual = reader_.get_varint_i64();
      constexpr auto kLimit = static_cast<std::int64_t>(16 * kMaxQuantized);
      if (residual <= -kLimit || residual >= kLimit) corrupt("outlier residual out of range");
      q = prediction + static_cast<double>(residual);
      if (!(std::fabs(q) < kMaxQuantized)) corrupt("prequantized value out of range");
      out = math_.reconstruct(q);
    }
    read_next_record();
    return q;
  }

  void read_next_record() {
    if (remaining_ == 0) {
      next_index_ = kNone;
      return;
    }
    --remaining_;
    const std::uint64_t header = reader_.get_varint_u64();
    const std::uint64_t delta = header >> 1;
    const std::size_t base = first_record_ ? 0 : next_index_;
    if (!first_record_ && delta == 0) corrupt("outlier records out of order");
    if (delta > kNone - 1 - base) corrupt("outlier index out of range");
    next_index_ = base + delta;
    next_kind_ = static_cast<OutlierKind>(header & 1);
    first_record_ = false;
  }

  [[noreturn]] void corrupt(std::string_view problem) const {
    throw Error(source_, fmt::format("corrupt quantized data: {}", problem));
  }

  Arithmetic<T> math_;
  double radius_;
  T fill_;
  bool has_fill_;
  std::uint16_t fill_code_;
  ByteReader reader_;
  std::size_t remaining_;
  std::string source_;
  std::size_t next_index_ = 0;
  OutlierKind next_kind_ = OutlierKind::kUnpredictable;
  bool first_record_ = true;
};

// Runs `plane(has_previous, p, base)` over the slab's planes, keeping the Lorenzo buffers.
template <class PlaneFn>
void for_each_plane(const SlabGeometry& g, PlaneBuffers& q, PlaneFn&& plane) {
  q.reset(g.planes, g.rows, g.cols);
  for (std::size_t p = 0; p < g.planes; ++p) {
    const bool has_previous = previous_plane_used(g, p);
    if (p > 0) q.advance(has_previous);
    plane(has_previous, p * g.rows * g.cols);
  }
}

void check_slab(const SlabGeometry& g, std::size_t values, std::string_view what) {
  if (g.size() != values || g.rows == 0 || g.cols == 0 || values >= kMaxSlabValues) {
    throw Error(what, fmt::format("slab of {}x{}x{} does not hold {} values", g.planes, g.rows,
                                  g.cols, values));
  }
}

}  // namespace

void validate(const QuantizerSettings& s) {
  if (!(s.error_bound > 0) || !std::isfinite(2.0 * s.error_bound) ||
      !std::isfinite(1.0 / (2.0 * s.error_bound))) {
    throw usage_error("error bound",
                      fmt::format("must be a positive finite number, got {}", s.error_bound));
  }
  if (s.radius < 2 || s.radius > kMaxRadius) {
    throw usage_error("quantization radius",
                      fmt::format("must be in [2, {}], got {}", kMaxRadius, s.radius));
  }
}

template <class T>
void quantize_slab(std::span<const T> values, const SlabGeometry& g, const QuantizerSettings& s,
                   QuantizedSlab& out) {
  validate(s);
  check_slab(g, values.size(), "quantizer");
  out.codes.resize(values.size());
  out.histogram.assign(s.alphabet_size(), 0);
  out.outlier_count = 0;
  SlabEncoder<T> encoder(s, out);
  PlaneBuffers q;
  for_each_plane(g, q, [&](bool has_previous, std::size_t base) {
    if (has_previous) {
      encoder.template encode_plane<true>(values.data(), q, g.rows, g.cols, base);
    } else {
      encoder.template encode_plane<false>(values.data(), q, g.rows, g.cols, base);
    }
  });
  encoder.finish();
}

template <class T>
void dequantize_slab(std::span<const std::uint16_t> codes, std::span<const std::byte> outliers,
                     std::size_t outlier_count, const SlabGeometry& g, const QuantizerSettings& s,
                     std::span<T> out, std::string_view source) {
  validate(s);
  check_slab(g, codes.size(), source);
  check_slab(g, out.size(), source);
  if (outlier_count > codes.size()) {
    throw Error(source, "corrupt quantized data: more outliers than values");
  }
  SlabDecoder<T> decoder(s, outliers, outlier_count, source);
  PlaneBuffers q;
  for_each_plane(g, q, [&](bool has_previous, std::size_t base) {
    if (has_previous) {
      decoder.template decode_plane<true>(codes.data(), q, g.rows, g.cols, base, out.data());
    } else {
      decoder.template decode_plane<false>(codes.data(), q, g.rows, g.cols, base, out.data());
    }
  });
  decoder.finish();
}

template void quantize_slab<float>(std::span<const float>, const SlabGeometry&,
                                   const QuantizerSettings&, QuantizedSlab&);
template void quantize_slab<double>(std::span<const double>, const SlabGeometry&,
                                    const QuantizerSettings&, QuantizedSlab&);
template void dequantize_slab<float>(std::span<const std::uint16_t>, std::span<const std::byte>,
                                     std::size_t, const SlabGeometry&, const QuantizerSettings&,
                                     std::span<float>, std::string_view);
template void dequantize_slab<double>(std::span<const std::uint16_t>, std::span<const std::byte>,
                                      std::size_t, const SlabGeometry&, const QuantizerSettings&,
                                      std::span<double>, std::string_view);

}  // namespace tessera::compress
