// A multilayer perceptron whose layers are GEMMs, y = relu(x·W + b) with W: (in, out) as in
// C = A·W, trained with mini-batch SGD and momentum on softmax cross-entropy (GEMMs by oneDNN):
// the model of tilewise's accuracy study. A layer may carry a pruning mask, which keeps its
// pruned weights at zero through training, and training can accumulate the first-order Taylor
// scores (∂L/∂w · w)² that pruning ranks weights by.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/view.hpp"
#include "tessera/learn/idx_dataset.hpp"

namespace tessera::learn {

struct TrainOptions {
  std::size_t batch = 128;
  float learning_rate = 0.05f;
  float momentum = 0.9f;
  std::uint64_t seed = 1;  // shuffling: epoch e uses the permutation of (seed, e)
  bool taylor = false;     // accumulate Taylor scores into each layer's `taylor`
};

struct MlpLayer {
  std::size_t in = 0;
  std::size_t out = 0;
  AlignedBuffer<float> w;          // (in, out)
  AlignedBuffer<float> b;          // (out)
  std::vector<std::uint8_t> mask;  // (in, out), 1 = kept; empty: dense
  AlignedBuffer<float> taylor;     // (in, out): sum over batches of (∂L/∂w · w)²

  View<const float, 2> weights() const { return View<const float, 2>(w.data(), {in, out}); }
  View<const float, 2> taylor_scores() const {
    return View<const float, 2>(taylor.data(), {in, out});
  }
};

class Mlp {
 public:
  Mlp(Mlp&&) noexcept = default;
  Mlp& operator=(Mlp&&) noexcept = default;

  /// Layers sizes[0] -> sizes[1] -> ... (at least two sizes), He-initialised from `seed`.
  Mlp(std::span<const std::size_t> sizes, std::uint64_t seed);

  /// A deep copy (weights, masks, momentum, Taylor scores); copies are explicit.
  Mlp clone() const;

  std::vector<MlpLayer>& layers() { return layers_; }
  const std::vector<MlpLayer>& layers() const { return layers_; }

  /// Sets layer `l`'s mask (in·out entries, 1 = kept), zeroes its pruned weights and their
  /// momentum, and clears its Taylor scores.
  void set_mask(std::size_t l, std::vector<std::uint8_t> mask);

  /// Renumbers the units of hidden layer `l` (the outputs of layer l, the inputs of layer l + 1):
  /// unit i becomes the old unit order[i]. Weights, biases, masks, momentum and Taylor scores move
  /// with their units, so the model computes the same function. Throws tessera::usage_error unless
  /// `l` is a hidden layer and `order` a permutation of its units.
  void permute_hidden(std::size_t l, std::span<const std::size_t> order);

  /// One pass over `data` in shuffled mini-batches; returns the mean training loss.
  double train_epoch(const ImageSet& data, std::size_t epoch, const TrainOptions& options);

  /// Logits (count × classes) of `count` inputs (count × sizes[0], row-major).
  void forward(std::span<const float> inputs, std::size_t count, std::span<float> logits) const;

  /// z (rows × out) = x · W_l + b_l with oneDNN, then ReLU unless l is the output layer.
  void layer_forward(std::size_t l, const float* x, std::size_t rows, float* z) const;

  /// Fraction of `data` whose largest logit is its label.
  double accuracy(const ImageSet& data) const;

 private:
  Mlp() = default;

  std::vector<MlpLayer> layers_;
  std::vector<AlignedBuffer<float>> velocity_w_;
  std::vector<AlignedBuffer<float>> velocity_b_;
};

/// Index of the largest of `scores` (the first on ties).
std::size_t argmax(std::span<const float> scores);

}  // namespace tessera::learn
