// Training offline codebooks as CEAZ does (Zhang et al., ICS'22, Huffman codewords generated
// offline from representative datasets): tune each field's error bound to a common bit-rate,
// average the fields' normalised code histograms, floor every symbol (calc_ave_freq's +1) and build
// the code.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "slab_quantizer.hpp"
#include "tessera/compress/codebook.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "value_grid.hpp"

namespace tessera::compress {

namespace {

/// Averaged probabilities become integer weights out of this total, plus the floor of 1 each, so
/// a symbol never seen in training gets a codeword of about 20 bits.
constexpr double kWeightScale = 1048576.0;  // 2^20
/// Longest codeword of a trained book.
constexpr int kBookMaxLength = 24;
/// The bound search: its start (eb = value range × 2^-10, about REL 1e-3), its stride limits while
/// bracketing (octaves of eb), its range around the start and its bisection steps.
constexpr double kStartOctave = -10;
constexpr double kMinStride = 1;
constexpr double kMaxStride = 8;
constexpr double kSearchOctaves = 60;
constexpr int kBisections = 12;
/// Close enough to the target to stop searching, in bits per value.
constexpr double kTolerance = 5e-3;
/// A field whose closest bit-rate misses the target by more than this fraction stays out of the
/// book: its code distribution belongs to another bit-rate (integer-valued data, for example,
/// cannot go beyond the bit-rate of its exact differences).
constexpr double kMaxMiss = 0.05;

template <class T>
CodeStatistics statistics_typed(const Field& field, const QuantizerSettings& settings,
                                const Chunking& chunking) {
  const std::size_t chunks = chunking.chunk_count();
  const std::span<const T> values = field.values<T>();
  std::vector<std::vector<std::uint64_t>> histograms(chunks);
  std::vector<std::uint64_t> bits(chunks, 0);
  parallel_for(chunks, 1, [&](std::size_t, Range range) {
    QuantizedSlab slab;
    for (std::size_t c = range.begin; c < range.end; ++c) {
      quantize_slab<T>(values.subspan(chunking.first_value(c), chunking.values(c)),
                       chunking.geometry(c), settings, slab);
      slab.histogram[settings.fill_code()] = 0;
      if (std::ranges::any_of(slab.histogram, [](std::uint64_t n) { return n > 0; })) {
        bits[c] = encoded_bits(build_huffman_code(slab.histogram), slab.histogram);
      }
      histograms[c] = slab.histogram;
    }
  });
  CodeStatistics stats;
  stats.histogram.assign(settings.alphabet_size(), 0);
  for (std::size_t c = 0; c < chunks; ++c) {
    stats.optimal_bits += bits[c];
    for (std::size_t s = 0; s < stats.histogram.size(); ++s) {
      stats.histogram[s] += histograms[c][s];
      stats.values += histograms[c][s];
    }
  }
  return stats;
}

/// A bound tried by the search: log2 of eb and the statistics there.
struct Probe {
  double octave = 0;
  CodeStatistics stats;
};

/// The probe whose bit-rate is closest to `target` (error_bound_for_bit_rate's search).
Probe tune(const Field& field, double target, std::uint32_t radius, std::size_t chunk_values) {
  const ValueRange range = value_range(field);
  if (range.counted == 0 || !(range.max > range.min)) {
    throw Error(field.name, "is constant or all fill: it has no codes to train on");
  }
  const double start = std::log2(range.max - range.min) + kStartOctave;
  const auto probe = [&](double octave) {
    return Probe{octave, code_statistics(field, std::exp2(octave), radius, chunk_values)};
  };
  const auto miss = [&](const Probe& p) { return std::fabs(p.stats.bits_per_value() - target); };
  Probe best = probe(start);
  // Bracket the target between a bound with too many bits (`above`) and one with too few.
  std::optional<Probe> above, below;
  Probe p = best;
  while (miss(best) > kTolerance) {
    const double error = p.stats.bits_per_value() - target;
    (error > 0 ? above : below) = p;
    if (above && below) break;
    const double stride = std::clamp(std::fabs(error), kMinStride, kMaxStride);
    const double next = p.octave + (error > 0 ? stride : -stride);
    if (std::fabs(next - start) > kSearchOctaves) break;
    p = probe(next);
    if (miss(p) < miss(best)) best = p;
  }
  for (int step = 0; above && below && step < kBisections && miss(best) > kTolerance; ++step) {
    p = probe((above->octave + below->octave) / 2);
    if (miss(p) < miss(best)) best = p;
    (p.stats.bits_per_value() > target ? above : below) = p;
  }
  return best;
}

}  // namespace

double CodeStatistics::bits_per_value() const {
  return values == 0 ? 0.0 : static_cast<double>(optimal_bits) / static_cast<double>(values);
}

CodeStatistics code_statistics(const Field& field, double error_bound, std::uint32_t radius,
                               std::size_t chunk_values) {
  const QuantizerSettings settings{error_bound, radius, field.fill_value,
                                   grid_step_for(field, error_bound)};
  validate(settings);
  const Chunking chunking(field.shape, Chunking::slices_for(field.shape, chunk_values));
  return field.type == DataType::kFloat64 ? statistics_typed<double>(field, settings, chunking)
                                          : statistics_typed<float>(field, settings, chunking);
}

double error_bound_for_bit_rate(const Field& field, double bits_per_value, std::uint32_t radius,
                                std::size_t chunk_values) {
  return std::exp2(tune(field, bits_per_value, radius, chunk_values).octave);
}

void check_training_options(const TrainingOptions& options) {
  if (options.bit_rates.empty() || options.bit_rates.size() > kMaxCodebooks) {
    throw usage_error("TrainingOptions::bit_rates",
                      fmt::format("give 1 to {} bit-rates", kMaxCodebooks));
  }
  double previous = 0;
  for (double b : options.bit_rates) {
    if (!(b >= 1 && b <= 16 && b > previous)) {
      throw usage_error("TrainingOptions::bit_rates",
                        fmt::format("{} is not in [1, 16] or not above the bit-rate before it", b));
    }
    previous = b;
  }
  validate(QuantizerSettings{1.0, options.radius, std::nullopt});
  if (options.chunk_values == 0) {
    throw usage_error("TrainingOptions::chunk_values", "must be at least 1");
  }
}

CodebookSet train_codebooks(std::span<const Field> fields, const TrainingOptions& options,
                            std::vector<TrainingPoint>* report) {
  if (fields.empty()) throw usage_error("codebook training", "needs at least one field");
  check_training_options(options);
  CodebookSet set{options.radius, {}};
  const std::size_t alphabet = 2 * std::size_t{options.radius} + 1;
  for (double target : options.bit_rates) {
    std::vector<double> average(alphabet, 0.0);
    std::size_t used = 0;
    for (const Field& field : fields) {
      const Probe p = tune(field, target, options.radius, options.chunk_values);
      const double bits = p.stats.bits_per_value();
      const bool use = std::fabs(bits - target) <= kMaxMiss * target;
      if (use) {
        const auto values = static_cast<double>(p.stats.values);
        for (std::size_t s = 0; s < alphabet; ++s) {
          average[s] += static_cast<double>(p.stats.histogram[s]) / values;
        }
        ++used;
      }
      if (report != nullptr) {
        report->push_back({field.name, target, std::exp2(p.octave), bits, use});
      }
    }
    if (used == 0) {
      throw usage_error("bit-rates", fmt::format("no training field comes within {}% of {} bits "
                                                 "per value",
                                                 100 * kMaxMiss, target));
    }
    std::vector<std::uint64_t> weights(alphabet);
    const double scale = kWeightScale / static_cast<double>(used);
    for (std::size_t s = 0; s < alphabet; ++s) {
      weights[s] = 1 + static_cast<std::uint64_t>(average[s] * scale);
    }
    set.books.push_back({target, build_huffman_code(weights, kBookMaxLength)});
  }
  // The limit of the books as the bound tightens past what the fields reach (their outliers, which
  // chunks pin, take over): every code equally likely, as residuals spread past the radius.
  const double flat_rate = std::log2(static_cast<double>(alphabet));
  if (flat_rate > set.books.back().bits_per_value && set.books.size() < kMaxCodebooks) {
    set.books.push_back(
        {flat_rate, build_huffman_code(std::vector<std::uint64_t>(alphabet, 1), kBookMaxLength)});
  }
  return set;
}

}  // namespace tessera::compress
