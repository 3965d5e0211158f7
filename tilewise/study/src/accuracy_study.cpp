// Dense training, gradual pruning with fine-tuning, packing and the TW inference path of the
// accuracy study.
#include "tessera/tilewise/accuracy_study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tessera/core/bf16.hpp"
#include "tessera/core/error.hpp"
#include "tessera/tilewise/tw_gemm.hpp"

namespace tessera::tilewise {

void check_study_options(const StudyOptions& options) {
  if (std::ranges::find(options.sizes, std::size_t{0}) != options.sizes.end()) {
    throw usage_error("StudyOptions::sizes", "every layer needs at least one unit");
  }
  if (options.steps == 0) throw usage_error("StudyOptions::steps", "must be at least 1");
  for (const auto& [rate, field] :
       {std::pair{options.train.learning_rate, "TrainOptions::learning_rate"},
        std::pair{options.fine_tune_learning_rate, "StudyOptions::fine_tune_learning_rate"}}) {
    if (!(rate > 0 && std::isfinite(rate))) {
      throw usage_error(field, fmt::format("must be a positive number, got {}", rate));
    }
  }
  check_prune_options(options.prune);
}

learn::Mlp train_dense(const learn::ImageSet& train, const StudyOptions& options,
                       const std::function<void(const std::string&)>& progress) {
  check_study_options(options);
  learn::Mlp model(options.sizes, options.train.seed);
  for (std::size_t e = 0; e < options.dense_epochs; ++e) {
    learn::TrainOptions epoch_options = options.train;
    epoch_options.taylor = options.taylor && e + 1 == options.dense_epochs;
    const double loss = model.train_epoch(train, e, epoch_options);
    progress(fmt::format("dense epoch {}/{}: loss {:.4f}", e + 1, options.dense_epochs, loss));
  }
  return model;
}

namespace {

// Renumbers every hidden layer's units by the importance of their outgoing weights (the sum of the
// next layer's row of Taylor scores, or of magnitudes), most important first, so that a tile of G
// consecutive units gathers units of like importance. Units whose outgoing weights are all pruned
// then share tiles, whose row segments lose their scores together and go: otherwise each tile
// would keep whole rows of weights for a few dead units among its live ones.
void order_units_by_importance(learn::Mlp& model, bool taylor) {
  for (std::size_t l = 0; l + 1 < model.layers().size(); ++l) {
    const learn::MlpLayer& next = model.layers()[l + 1];
    std::vector<double> importance(next.in, 0.0);
    for (std::size_t j = 0; j < next.in; ++j) {
      for (std::size_t c = 0; c < next.out; ++c) {
        const std::size_t i = j * next.out + c;
        importance[j] += taylor ? next.taylor[i] : std::fabs(next.w[i]);
      }
    }
    std::vector<std::size_t> order(next.in);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::ranges::stable_sort(
        order, [&](std::size_t a, std::size_t b) { return importance[a] > importance[b]; });
    model.permute_hidden(l, order);
  }
}

}  // namespace

PrunedModel prune_gradually(const learn::Mlp& dense, const learn::ImageSet& train,
                            const learn::ImageSet& test, const StudyOptions& options,
                            StudyCase& result) {
  check_study_options(options);
  PrunedModel pruned{dense.clone(), {}};
  const std::size_t hidden = pruned.model.layers().size() - 1;  // the output layer stays dense
  learn::TrainOptions train_options = options.train;
  train_options.taylor = options.taylor;
  train_options.learning_rate = options.fine_tune_learning_rate;
  for (std::size_t step = 1; step <= options.steps; ++step) {
    if (options.order_units && is_tile_wise(result.pattern)) {
      order_units_by_importance(pruned.model, options.taylor);
    }
    // Element scores: |w|, or √Σ(∂L/∂w·w)² so that a unit's L2 norm is the square root of its
    // summed first-order importance and the threshold ranks units by that importance.
    std::vector<View<const float, 2>> scores;
    std::vector<AlignedBuffer<float>> element_scores;
    for (std::size_t l = 0; l < hidden; ++l) {
      const learn::MlpLayer& layer = pruned.model.layers()[l];
      if (options.taylor) {
        AlignedBuffer<float> root(layer.taylor.size());
        for (std::size_t i = 0; i < root.size(); ++i) root[i] = std::sqrt(layer.taylor[i]);
        element_scores.push_back(std::move(root));
      } else {
        element_scores.push_back(magnitude_scores(layer.weights()));
      }
      scores.emplace_back(element_scores.back().data(), layer.weights().shape());
    }
    PruneOptions prune_options = options.prune;
    prune_options.pattern = result.pattern;
    prune_options.sparsity =
        result.sparsity * static_cast<double>(step) / static_cast<double>(options.steps);
    pruned.masks = prune(scores, prune_options);
    for (std::size_t l = 0; l < hidden; ++l) pruned.model.set_mask(l, pruned.masks[l].kept);
    for (std::size_t e = 0; e < options.epochs_per_step; ++e) {
      pruned.model.train_epoch(train, options.dense_epochs + step * options.epochs_per_step + e,
                               train_options);
    }
  }
  std::size_t kept = 0, total = 0;
  result.layer_sparsity.clear();
  for (const LayerMask& m : pruned.masks) {
    kept += m.kept_count();
    total += m.k * m.n;
    result.layer_sparsity.push_back(1.0 - static_cast<double>(m.kept_count()) /
                                              static_cast<double>(m.k * m.n));
  }
  result.achieved = total == 0 ? 0 : 1.0 - static_cast<double>(kept) / static_cast<double>(total);
  result.cut_off_units = 0;
  std::size_t idle = 0;
  for (std::size_t l = 0; l + 1 < pruned.masks.size(); ++l) {
    const LayerMask& in = pruned.masks[l];
    const LayerMask& out = pruned.masks[l + 1];
    for (std::size_t unit = 0; unit < in.n; ++unit) {
      const auto row = out.kept.begin() + static_cast<std::ptrdiff_t>(unit * out.n);
      if (std::find(row, row + static_cast<std::ptrdiff_t>(out.n), 1) != row + out.n) continue;
      ++result.cut_off_units;
      for (std::size_t i = 0; i < in.k; ++i) idle += in.kept[i * in.n + unit];
    }
  }
  result.idle_weights = kept == 0 ? 0 : static_cast<double>(idle) / static_cast<double>(kept);
  result.accuracy = pruned.model.accuracy(test);
  return pruned;
}

std::vector<TwMatrix> pack_hidden_layers(const PrunedModel& pruned) {
  std::vector<TwMatrix> packed;
  for (std::size_t l = 0; l < pruned.masks.size(); ++l) {
    const LayerMask& mask = pruned.masks[l];
    if (!mask.tiles)
      throw usage_error("pattern", "only TW-1D, TW-2D and TEW models pack for TW-GEMM");
    packed.push_back(TwMatrix::pack(*mask.tiles, pruned.model.layers()[l].weights(), mask.kept));
  }
  return packed;
}

namespace {

// The hidden layers by `product(l, a, z)` (z = a · W_l, a of `count` rows), each followed by its
// bias and ReLU, then the output layer by oneDNN.
template <class Product>
void forward_hidden(const learn::Mlp& model, std::size_t hidden, std::span<const float> inputs,
                    std::size_t count, std::span<float> logits, Product product) {
  const auto& layers = model.layers();
  if (hidden + 1 != layers.size()) {
    throw usage_error("TW forward", fmt::format("{} packed layers for {} hidden layers", hidden,
                                                layers.size() - 1));
  }
  AlignedBuffer<float> a(inputs.size());
  std::copy(inputs.begin(), inputs.end(), a.begin());
  for (std::size_t l = 0; l < hidden; ++l) {
    const learn::MlpLayer& layer = layers[l];
    AlignedBuffer<float> z(count * layer.out);
    product(l, View<const float, 2>(a.data(), {count, layer.in}),
            View<float, 2>(z.data(), {count, layer.out}));
    for (std::size_t r = 0; r < count; ++r) {
      for (std::size_t j = 0; j < layer.out; ++j) {
        z[r * layer.out + j] = std::max(z[r * layer.out + j] + layer.b[j], 0.0f);
      }
    }
    a = std::move(z);
  }
  model.layer_forward(hidden, a.data(), count, logits.data());
}

}  // namespace

void tw_forward(const learn::Mlp& model, std::span<const TwMatrix> hidden,
                std::span<const float> inputs, std::size_t count, std::span<float> logits) {
  forward_hidden(
      model, hidden.size(), inputs, count, logits,
      [&](std::size_t l, View<const float, 2> a, View<float, 2> z) { tw_gemm(a, hidden[l], z); });
}

void tw_forward(const learn::Mlp& model, std::span<const TwMatrixBf16> hidden,
                std::span<const float> inputs, std::size_t count, std::span<float> logits) {
  std::vector<std::uint16_t> a16;
  forward_hidden(model, hidden.size(), inputs, count, logits,
                 [&](std::size_t l, View<const float, 2> a, View<float, 2> z) {
                   a16.resize(a.extent(0) * a.extent(1));
                   to_bf16(std::span<const float>(a.data(), a16.size()), a16);
                   tw_gemm_bf16(
                       View<const std::uint16_t, 2>(a16.data(), {a.extent(0), a.extent(1)}),
                       hidden[l], z);
                 });
}

double accuracy_of(std::span<const float> logits, const learn::ImageSet& data) {
  if (data.count == 0) return 0;
  const std::size_t classes = logits.size() / data.count;
  std::size_t right = 0;
  for (std::size_t i = 0; i < data.count; ++i) {
    right += learn::argmax(logits.subspan(i * classes, classes)) == data.labels[i];
  }
  return static_cast<double>(right) / static_cast<double>(data.count);
}

}  // namespace tessera::tilewise
