// Synthetic DLRM data (synthetic.hpp): Zipf ids scattered by a keyed permutation, uniform dense
// values and labels drawn from a random teacher; every value is a pure function of
// (seed, stream, index) of tessera::CounterRng, so any slicing of the samples sees the same data.
#include "tessera/dlrm/synthetic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "zipf.hpp"

namespace tessera::dlrm {
namespace {

// Streams (CounterRng(seed, stream), index):
//   0           dense value f of sample i    uniform_float, index i * dense_features + f
//   1           label of sample i            uniform_float, index i
//   2           teacher dense weight g_f     normal, index f
//   16 + 3t     table t, id j of sample i    uniform, index (i * pooling + j) * kZipfDraws + draw
//   16 + 3t + 1 table t, teacher values of a row (u, v_0 .. v_{d-1}): value c is word c % 4 of
//               bits(row * ceil((d + 1) / 4) + c / 4), through the normal quantile function
//   16 + 3t + 2 table t, permutation round keys: u64, index 0..3
//
// Teacher, with T tables, pooling P, F dense features and dimension d:
//   logit = -2 + dense_scale * sqrt(12) * sum_f w_f (x_f - 0.5),   w = g / |g|, g ~ N(0, I)
//         + row_scale / sqrt(T P) * sum_t S_t,          S_t = sum over the bag of (u_t[row] - mu_t)
//         + pair_scale * sqrt(d) / (P sqrt(T (T - 1) / 2)) * sum_{i<j} <V_i, V_j>,
//                                                       V_t = sum over the bag of (v_t[row] - m_t)
//   with u ~ N(0, 1), v ~ N(0, I / d), and mu_t, m_t the means of u_t, v_t under the Zipf
//   distribution (over the top 256 ranks), so that each term has mean ~0 and spread ~1 whatever
//   the seed, table sizes or pooling; p = sigmoid(logit) in float; label = uniform_float < p.
//
// Measured over samples [0, 100000) of the default config (seed 1): CTR 0.180 (mean p 0.182),
// oracle AUC 0.813, oracle log loss 0.369; with 8 tables x 1M rows, pooling 20: CTR 0.182,
// oracle AUC 0.812, oracle log loss 0.370.

constexpr std::uint64_t kDenseStream = 0;
constexpr std::uint64_t kLabelStream = 1;
constexpr std::uint64_t kDenseWeightStream = 2;
constexpr std::uint64_t kTableStreamBase = 16;
constexpr std::uint64_t kStreamsPerTable = 3;
constexpr std::uint64_t kIdStream = 0;
constexpr std::uint64_t kRowValueStream = 1;
constexpr std::uint64_t kPermutationStream = 2;

// The teacher's bias: with the default scales the logit spreads ~1.4 around it (CTR ~0.2).
constexpr double kBias = -2.0;
// Top ranks whose rows' teacher values are computed once per call; they also give the centring
// means (the rest of the Zipf mass moves the means by ~sqrt(sum of P(k)^2 over k > 256)).
constexpr std::int64_t kTopRanks = 256;
// Samples per parallel piece.
constexpr std::size_t kSampleGrain = 64;
// CounterRng indices stay below 2^63.
constexpr std::uint64_t kIndexLimit = std::uint64_t{1} << 63;

std::uint64_t table_stream(std::size_t table, std::uint64_t purpose) {
  return kTableStreamBase + kStreamsPerTable * table + purpose;
}

// The standard normal quantile of (word + 1/2) / 2^32, by Acklam's rational approximation
// (relative error below 1.2e-9): a normal value per 32-bit word, without trigonometry.
double normal_from_word(std::uint32_t word) {
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01, -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  constexpr double kLowTail = 0.02425;
  const double p = (static_cast<double>(word) + 0.5) * 0x1p-32;
  const double tail = std::min(p, 1.0 - p);
  if (tail < kLowTail) {
    const double q = std::sqrt(-2.0 * std::log(tail));
    const double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                     ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    return p < 0.5 ? x : -x;
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

void check_config(const SyntheticConfig& config) {
  const auto fail = [](std::string_view problem) { throw Error("synthetic config", problem); };
  if (config.rows.empty()) fail("rows: needs at least one table");
  for (std::size_t t = 0; t < config.rows.size(); ++t) {
    if (config.rows[t] < 1) fail(fmt::format("rows[{}] must be >= 1, got {}", t, config.rows[t]));
  }
  if (config.pooling < 1) fail(fmt::format("pooling must be >= 1, got {}", config.pooling));
  if (config.dense_features < 0) {
    fail(fmt::format("dense_features must be >= 0, got {}", config.dense_features));
  }
  if (config.teacher_dim < 1) {
    fail(fmt::format("teacher_dim must be >= 1, got {}", config.teacher_dim));
  }
  if (!(config.zipf_alpha > 0.0) || !std::isfinite(config.zipf_alpha)) {
    fail(fmt::format("zipf_alpha must be finite and > 0, got {}", config.zipf_alpha));
  }
  const std::pair<std::string_view, double> scales[] = {{"dense_scale", config.dense_scale},
                                                        {"row_scale", config.row_scale},
                                                        {"pair_scale", config.pair_scale}};
  for (const auto& [name, value] : scales) {
    if (!std::isfinite(value)) fail(fmt::format("{} must be finite, got {}", name, value));
  }
}

// Samples [first, first + count) must exist and keep every CounterRng index below 2^63.
void check_samples(const SyntheticConfig& config, std::int64_t first, std::int64_t count) {
  const auto fail = [](std::string_view problem) {
    throw usage_error("synthetic samples", problem);
  };
  if (first < 0) fail(fmt::format("first must be >= 0, got {}", first));
  if (count < 0) fail(fmt::format("count must be >= 0, got {}", count));
  const auto dense_per_sample =
      std::max<std::uint64_t>(static_cast<std::uint64_t>(config.dense_features), 1);
  const auto limit = static_cast<std::int64_t>(
      std::min(kIndexLimit / detail::kZipfDraws / static_cast<std::uint64_t>(config.pooling),
               kIndexLimit / dense_per_sample));
  if (count > limit || first > limit - count) {
    fail(fmt::format("first {} + count {} goes past the stream's {} samples", first, count, limit));
  }
}

// One table's part of the data and of the teacher: its id sampler and permutation, and its rows'
// teacher values (u, v_0 .. v_{d-1}) computed from the counter RNG, the top ranks' once per call.
class TableTeacher {
 public:
  TableTeacher(const SyntheticConfig& config, std::size_t table)
      : zipf_(config.rows[table], config.zipf_alpha),
        permutation_(config.rows[table], permutation_keys(config.seed, table)),
        id_rng_(config.seed, table_stream(table, kIdStream)),
        value_rng_(config.seed, table_stream(table, kRowValueStream)),
        width_(static_cast<std::size_t>(1 + config.teacher_dim)),
        blocks_per_row_((width_ + 3) / 4),
        vector_stddev_(1.0 / std::sqrt(static_cast<double>(config.teacher_dim))),
        top_count_(std::min(config.rows[table], kTopRanks)),
        top_rows_(static_cast<std::size_t>(top_count_)),
        top_values_(static_cast<std::size_t>(top_count_) * width_),
        means_(width_, 0.0) {
    for (std::int64_t rank = 1; rank <= top_count_; ++rank) {
      const std::int64_t row = permutation_(rank - 1);
      top_rows_[static_cast<std::size_t>(rank - 1)] = row;
      double* values = &top_values_[static_cast<std::size_t>(rank - 1) * width_];
      const double weight = zipf_.probability(rank);
      for_row_values(row, [&](std::size_t c, double value) {
        values[c] = value;
        means_[c] += weight * value;
      });
    }
  }

  /// The row of id `position` (sample * pooling + j) of this table; adds its teacher values to
  /// sums[0 .. 1 + d).
  std::int64_t draw(std::uint64_t position, double* sums) const {
    const std::int64_t rank = zipf_.sample([&](int draw) {
      return id_rng_.uniform(position * detail::kZipfDraws + static_cast<std::uint64_t>(draw));
    });
    if (rank <= top_count_) {
      const double* values = &top_values_[static_cast<std::size_t>(rank - 1) * width_];
      for (std::size_t c = 0; c < width_; ++c) sums[c] += values[c];
      return top_rows_[static_cast<std::size_t>(rank - 1)];
    }
    const std::int64_t row = permutation_(rank - 1);
    for_row_values(row, [&](std::size_t c, double value) { sums[c] += value; });
    return row;
  }

  /// The Zipf means of the teacher values (1 + d).
  std::span<const double> means() const { return means_; }

 private:
  static std::array<std::uint64_t, 4> permutation_keys(std::uint64_t seed, std::size_t table) {
    const CounterRng rng(seed, table_stream(table, kPermutationStream));
    return {rng.u64(0), rng.u64(1), rng.u64(2), rng.u64(3)};
  }

  // Calls visit(c, value) for the row's teacher values: u ~ N(0, 1), then v ~ N(0, I / d).
  template <class Visit>
  void for_row_values(std::int64_t row, const Visit& visit) const {
    const std::uint64_t first_block = static_cast<std::uint64_t>(row) * blocks_per_row_;
    for (std::size_t c = 0; c < width_; c += 4) {
      const Philox4x32Block words = value_rng_.bits(first_block + c / 4);
      for (std::size_t w = 0; w < 4 && c + w < width_; ++w) {
        const double standard = normal_from_word(words[w]);
        visit(c + w, c + w == 0 ? standard : vector_stddev_ * standard);
      }
    }
  }

  detail::ZipfSampler zipf_;
  detail::RowPermutation permutation_;
  CounterRng id_rng_;
  CounterRng value_rng_;
  std::size_t width_;  // 1 + d
  std::size_t blocks_per_row_;
  double vector_stddev_;
  std::int64_t top_count_;
  std::vector<std::int64_t> top_rows_;  // row of rank k at k - 1
  std::vector<double> top_values_;      // (top_count_, width_) row-major: values of rank k at k - 1
  std::vector<double> means_;
};

// The whole sample generator: dense values, ids and the teacher's click probability.
class Teacher {
 public:
  explicit Teacher(const SyntheticConfig& config)
      : dense_rng_(config.seed, kDenseStream),
        dense_weights_(static_cast<std::size_t>(config.dense_features)),
        width_(static_cast<std::size_t>(1 + config.teacher_dim)),
        pooling_(static_cast<std::uint64_t>(config.pooling)) {
    // w = g / |g|: the dense term's spread is exactly 1 whatever the seed.
    fill_normal(dense_weights_, CounterRng(config.seed, kDenseWeightStream));
    double norm = 0.0;
    for (const double g : dense_weights_) norm += g * g;
    for (double& g : dense_weights_) g *= config.dense_scale / std::sqrt(norm);
    tables_.reserve(config.rows.size());
    for (std::size_t t = 0; t < config.rows.size(); ++t) tables_.emplace_back(config, t);
    const double tables = static_cast<double>(config.rows.size());
    const double pooling = static_cast<double>(config.pooling);
    const double pairs = tables * (tables - 1.0) / 2.0;
    row_norm_ = config.row_scale / std::sqrt(tables * pooling);
    pair_norm_ = pairs > 0.0
                     ? config.pair_scale * std::sqrt(static_cast<double>(config.teacher_dim)) /
                           (pooling * std::sqrt(pairs))
                     : 0.0;
  }

  /// Values per sample in the scratch that generate() takes.
  std::size_t scratch_size() const { return tables_.size() * width_; }

  /// Generates sample `sample`: its dense values into dense (dense_features), id j of table t
  /// into ids[t * table_stride + j]; returns its click probability. scratch: scratch_size().
  float generate(std::int64_t sample, std::span<float> dense, std::int64_t* ids,
                 std::int64_t table_stride, std::span<double> scratch) const {
    const auto index = static_cast<std::uint64_t>(sample);
    double dense_sum = 0.0;
    for (std::size_t f = 0; f < dense.size(); ++f) {
      dense[f] = dense_rng_.uniform_float(index * dense.size() + f);
      dense_sum += dense_weights_[f] * (static_cast<double>(dense[f]) - 0.5);
    }
    double row_sum = 0.0;
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      double* sums = &scratch[t * width_];  // S_t, then V_t
      std::fill(sums, sums + width_, 0.0);
      std::int64_t* bag = ids + static_cast<std::int64_t>(t) * table_stride;
      for (std::uint64_t j = 0; j < pooling_; ++j) {
        bag[j] = tables_[t].draw(index * pooling_ + j, sums);
      }
      const std::span<const double> means = tables_[t].means();
      for (std::size_t c = 0; c < width_; ++c) sums[c] -= static_cast<double>(pooling_) * means[c];
      row_sum += sums[0];
    }
    // sum_{i<j} <V_i, V_j> = (|sum_t V_t|^2 - sum_t |V_t|^2) / 2.
    double pair_sum = 0.0;
    for (std::size_t c = 1; c < width_; ++c) {
      double total = 0.0;
      double squares = 0.0;
      for (std::size_t t = 0; t < tables_.size(); ++t) {
        const double v = scratch[t * width_ + c];
        total += v;
        squares += v * v;
      }
      pair_sum += 0.5 * (total * total - squares);
    }
    const double logit =
        kBias + std::sqrt(12.0) * dense_sum + row_norm_ * row_sum + pair_norm_ * pair_sum;
    return static_cast<float>(1.0 / (1.0 + std::exp(-logit)));
  }

 private:
  CounterRng dense_rng_;
  std::vector<double> dense_weights_;  // dense_scale * w
  std::size_t width_;                  // 1 + d
  std::uint64_t pooling_;
  std::vector<TableTeacher> tables_;
  double row_norm_ = 0.0;
  double pair_norm_ = 0.0;
};

}  // namespace

SyntheticData::SyntheticData(SyntheticConfig config) : config_(std::move(config)) {
  check_config(config_);
}

Batch SyntheticData::batch(std::int64_t first, std::int64_t count) const {
  check_samples(config_, first, count);
  const Teacher teacher(config_);
  const auto tables = static_cast<std::int64_t>(config_.rows.size());
  const std::int64_t pooling = config_.pooling;
  const std::int64_t features = config_.dense_features;
  Batch batch;
  batch.size = count;
  batch.dense_features = features;
  batch.dense.resize(static_cast<std::size_t>(count * features));
  batch.sparse.tables = tables;
  batch.sparse.samples = count;
  batch.sparse.offsets.resize(static_cast<std::size_t>(tables * count + 1));
  for (std::size_t b = 0; b < batch.sparse.offsets.size(); ++b) {
    batch.sparse.offsets[b] = static_cast<std::int64_t>(b) * pooling;
  }
  batch.sparse.ids.resize(static_cast<std::size_t>(tables * count * pooling));
  batch.labels.resize(static_cast<std::size_t>(count));
  const CounterRng label_rng(config_.seed, kLabelStream);
  parallel_for(static_cast<std::size_t>(count), kSampleGrain, [&](std::size_t, Range range) {
    std::vector<double> scratch(teacher.scratch_size());
    for (std::size_t s = range.begin; s < range.end; ++s) {
      const std::int64_t sample = first + static_cast<std::int64_t>(s);
      const std::span<float> dense =
          std::span(batch.dense)
              .subspan(s * static_cast<std::size_t>(features), static_cast<std::size_t>(features));
      const float p = teacher.generate(
          sample, dense, batch.sparse.ids.data() + static_cast<std::int64_t>(s) * pooling,
          count * pooling, scratch);
      batch.labels[s] =
          label_rng.uniform_float(static_cast<std::uint64_t>(sample)) < p ? 1.0f : 0.0f;
    }
  });
  return batch;
}

std::vector<float> SyntheticData::probabilities(std::int64_t first, std::int64_t count) const {
  check_samples(config_, first, count);
  const Teacher teacher(config_);
  const auto tables = static_cast<std::int64_t>(config_.rows.size());
  std::vector<float> probabilities(static_cast<std::size_t>(count));
  parallel_for(static_cast<std::size_t>(count), kSampleGrain, [&](std::size_t, Range range) {
    std::vector<double> scratch(teacher.scratch_size());
    std::vector<float> dense(static_cast<std::size_t>(config_.dense_features));
    std::vector<std::int64_t> ids(static_cast<std::size_t>(tables * config_.pooling));
    for (std::size_t s = range.begin; s < range.end; ++s) {
      probabilities[s] = teacher.generate(first + static_cast<std::int64_t>(s), dense, ids.data(),
                                          config_.pooling, scratch);
    }
  });
  return probabilities;
}

}  // namespace tessera::dlrm
