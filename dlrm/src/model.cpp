// DLRM's forward, loss and backward over the embedding operator, the MLPs and the interaction
// (model.hpp).
#include "tessera/dlrm/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "collectives.hpp"
#include "interaction.hpp"
#include "mlp.hpp"
#include "sharded_embedding.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/sha256.hpp"

namespace tessera::dlrm {
namespace {

// Streams of the MLPs' initial values (one per layer from each base), far above the data's.
constexpr std::uint64_t kBottomStream = std::uint64_t{1} << 44;
constexpr std::uint64_t kTopStream = std::uint64_t{2} << 44;

// tessera::Error naming the config field that cannot make a model.
void check_config(const DlrmConfig& c) {
  const auto positive = [](const std::vector<std::int64_t>& v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](std::int64_t x) { return x > 0; });
  };
  if (c.dense_features < 1) throw Error("dense_features", "needs at least one dense feature");
  if (!positive(c.bottom_mlp)) throw Error("bottom_mlp", "needs one or more positive widths");
  if (!positive(c.top_mlp) || c.top_mlp.back() != 1)
    throw Error("top_mlp", "needs positive widths, the last one 1 (the logit)");
  if (!positive(c.table_rows)) throw Error("table_rows", "needs one or more tables of rows");
  if (!(c.optimizer.learning_rate > 0.0f) || !std::isfinite(c.optimizer.learning_rate))
    throw Error("learning_rate", "must be positive and finite");
  if (!(c.optimizer.eps > 0.0f) || !std::isfinite(c.optimizer.eps))
    throw Error("eps", "must be positive and finite");
}

std::vector<TableSpec> table_specs(const DlrmConfig& c) {
  std::vector<TableSpec> specs;
  for (const std::int64_t rows : c.table_rows) specs.push_back({rows, c.bottom_mlp.back()});
  return specs;
}

// Seconds since `start`, and the seconds `f` takes.
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
template <class F>
double seconds_of(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return seconds_since(start);
}

}  // namespace

struct Dlrm::Parts {
  detail::Mlp bottom, top;
  detail::ShardedEmbedding embedding;
  std::vector<float> pooled, interaction, d_logits, d_interaction, d_bottom, d_pooled;
  std::vector<float> dense_gradient;  // the bottom MLP's, then the top MLP's
};

Dlrm::Dlrm(DlrmConfig config, Distribution distribution)
    : config_(std::move(config)), distribution_(std::move(distribution)) {
  check_config(config_);
  if (!distribution_.communicator)
    distribution_.communicator = std::make_shared<LocalCommunicator>();
  const auto tables = static_cast<std::int64_t>(config_.table_rows.size());
  const std::int64_t d = config_.bottom_mlp.back();
  const detail::BatchSums sums =
      config_.world_size_invariant ? detail::BatchSums::kChunkTree : detail::BatchSums::kWhole;
  parts_ = std::make_unique<Parts>(
      Parts{detail::Mlp(config_.dense_features, config_.bottom_mlp, true, config_.optimizer, sums,
                        config_.seed, kBottomStream),
            detail::Mlp(detail::interaction_width(tables + 1, d), config_.top_mlp, false,
                        config_.optimizer, sums, config_.seed, kTopStream),
            detail::ShardedEmbedding(table_specs(config_), config_.pooling, config_.optimizer,
                                     distribution_),
            {},
            {},
            {},
            {},
            {},
            {},
            {}});
  parts_->embedding.initialize(config_.seed);
  parts_->dense_gradient.resize(parts_->bottom.parameter_count() + parts_->top.parameter_count());
}

Dlrm::~Dlrm() = default;

std::span<const float> Dlrm::forward(const Batch& batch) {
  if (batch.dense_features != config_.dense_features)
    throw Error("batch", fmt::format("{} dense features, the model takes {}", batch.dense_features,
                                     config_.dense_features));
  if (batch.dense.size() != static_cast<std::size_t>(batch.size * batch.dense_features))
    throw Error("batch", fmt::format("{} dense values for {} samples of {} features",
                                     batch.dense.size(), batch.size, batch.dense_features));
  if (batch.sparse.samples != batch.size)
    throw Error("batch", fmt::format("bags for {} samples in a batch of {}", batch.sparse.samples,
                                     batch.size));
  Parts& p = *parts_;
  const auto tables = static_cast<std::int64_t>(config_.table_rows.size());
  const std::int64_t d = config_.bottom_mlp.back();
  p.pooled.resize(static_cast<std::size_t>(batch.size * tables * d));
  step_times_.embedding_forward = seconds_of([&] { p.embedding.forward(batch.sparse, p.pooled); });
  const std::span<const float> bottom = p.bottom.forward(batch.dense, batch.size);
  p.interaction.resize(static_cast<std::size_t>(batch.size * p.top.inputs()));
  detail::interact(bottom, p.pooled, batch.size, tables, d, p.interaction);
  return p.top.forward(p.interaction, batch.size);
}

std::vector<float> Dlrm::logits(const Batch& batch) {
  const std::span<const float> out = forward(batch);
  return {out.begin(), out.end()};
}

std::vector<float> Dlrm::predict(const Batch& batch) {
  std::vector<float> p = logits(batch);
  for (float& x : p) x = 1.0f / (1.0f + std::exp(-x));
  return p;
}

double Dlrm::train_step(const Batch& batch) {
  if (batch.labels.size() != static_cast<std::size_t>(batch.size))
    throw Error("batch", fmt::format("{} labels for {} samples", batch.labels.size(), batch.size));
  const auto start = std::chrono::steady_clock::now();
  const std::span<const float> logits = forward(batch);
  Parts& p = *parts_;
  // Mean binary cross-entropy on the logits (log(1 + e^-|x|) form) and its gradient (p - y) / n,
  // n the step's samples on all ranks.
  double loss = 0.0;
  p.d_logits.resize(logits.size());
  const auto n = static_cast<float>(p.embedding.global_samples());
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const double x = logits[i], y = batch.labels[i];
    loss += std::max(x, 0.0) - x * y + std::log1p(std::exp(-std::abs(x)));
    p.d_logits[i] = (1.0f / (1.0f + std::exp(-logits[i])) - batch.labels[i]) / n;
  }
  const auto tables = static_cast<std::int64_t>(config_.table_rows.size());
  const std::int64_t d = config_.bottom_mlp.back();
  p.d_interaction.resize(p.interaction.size());
  const std::span<float> bottom_gradient =
      std::span(p.dense_gradient).first(p.bottom.parameter_count());
  const std::span<float> top_gradient =
      std::span(p.dense_gradient).subspan(p.bottom.parameter_count());
  p.top.backward(p.d_logits, p.d_interaction, top_gradient);
  p.d_bottom.resize(static_cast<std::size_t>(batch.size * d));
  p.d_pooled.resize(p.pooled.size());
  detail::interact_backward(p.bottom.output(), p.pooled, p.d_interaction, batch.size, tables, d,
                            p.d_bottom, p.d_pooled);
  p.bottom.backward(p.d_bottom, {}, bottom_gradient);
  step_times_.embedding_backward =
      seconds_of([&] { p.embedding.backward_update(batch.sparse, p.d_pooled); });
  const CommPrecisions& precision = distribution_.precision;
  step_times_.dense_reduction = seconds_of([&] {
    detail::tree_allreduce(communicator(), p.dense_gradient, precision.dense,
                           precision.dense == CommPrecision::kFp16 ? precision.loss_scale : 1.0f);
  });
  p.bottom.update(bottom_gradient);
  p.top.update(top_gradient);
  const double mean_loss = detail::sum_over_ranks(communicator(), loss) /
                           static_cast<double>(p.embedding.global_samples());
  step_times_.dense = seconds_since(start) - step_times_.embedding_forward -
                      step_times_.embedding_backward - step_times_.dense_reduction;
  return mean_loss;
}

void Dlrm::prefetch(const Batch& next) const { parts_->embedding.prefetch(next.sparse); }

std::optional<TierStats> Dlrm::store_stats() const { return parts_->embedding.store_stats(); }

std::size_t Dlrm::dense_parameter_count() const { return parts_->dense_gradient.size(); }

std::size_t Dlrm::array_count() const {
  const std::size_t arrays = 2 * (parts_->bottom.layers() + parts_->top.layers()) +
                             config_.table_rows.size();  // weights and biases, tables
  return config_.optimizer.kind == OptimizerKind::kSgd ? arrays : 2 * arrays;  // and their state
}

void Dlrm::for_each_array(const std::function<void(const std::string&, std::span<float>)>& visit,
                          ArrayAccess access) {
  const auto with_state = [&](const std::string& name, std::span<float> p, std::span<float> s) {
    visit(name, p);
    if (!s.empty()) visit(name + ".state", s);
  };
  const auto mlp = [&](const char* name, detail::Mlp& m) {
    for (std::size_t l = 0; l < m.layers(); ++l) {
      with_state(fmt::format("{}.{}.weight", name, l), m.weights(l), m.weight_state(l));
      with_state(fmt::format("{}.{}.bias", name, l), m.biases(l), m.bias_state(l));
    }
  };
  mlp("bottom", parts_->bottom);
  mlp("top", parts_->top);
  parts_->embedding.for_each_table(
      [&](std::size_t t, std::span<float> w, std::span<float> s) {
        with_state(fmt::format("table.{}", t), w, s);
      },
      access);
}

std::string Dlrm::parameters_sha256() const {
  Sha256 hash;
  for_each_parameter(
      [&](const std::string&, std::span<const float> p) { hash.update(std::as_bytes(p)); });
  return hash.hex_digest();
}

void Dlrm::for_each_parameter(
    const std::function<void(const std::string&, std::span<const float>)>& visit) const {
  // The same walk as for_each_array's to read, which changes nothing, less the optimizer state.
  const_cast<Dlrm*>(this)->for_each_array(
      [&](const std::string& name, std::span<float> p) {
        if (!name.ends_with(".state")) visit(name, p);
      },
      ArrayAccess::kRead);
}

}  // namespace tessera::dlrm
