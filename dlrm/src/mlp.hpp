// A stack of fully connected layers y = relu(x·W + b) on OpenBLAS, W (in, out) row-major, trained
// with the step's optimizer: DLRM's bottom and top MLPs. The forward keeps each layer's output for
// the backward, which writes the input's gradient and the parameters' gradients; the update
// applies them (after a data-parallel run has summed them over its ranks).
//
// The sums over samples (the weights' and biases' gradients) are made in one pass over the
// samples (BatchSums::kWhole), or as a fixed tree over chunks of kChunk samples
// (BatchSums::kChunkTree): each chunk's sum, then pairs of chunk sums. Chunk sums do not depend on
// the other samples of the batch, and the rows of the other GEMMs are then computed kChunk at a
// time, so a batch split over ranks on chunk boundaries, whose per-rank sums are added up the same
// tree, gives the same bits as the whole batch in one process. Either way every GEMM is cut into
// calls of shapes that do not depend on the thread count, so neither do the results.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tessera/dlrm/distribution.hpp"
#include "tessera/dlrm/optimizer.hpp"

namespace tessera::dlrm::detail {

/// Samples per chunk of the MLPs' sums over a batch.
inline constexpr std::int64_t kChunk = kSampleChunk;

/// How the sums over a batch's samples are made (see above): whole is faster, the chunk tree
/// world-size invariant.
enum class BatchSums { kWhole, kChunkTree };

/// Adds the first of `parts` (each `size` floats, laid end to end) up the tree over chunks: the
/// sum of parts [0, n) is the sum of [0, m) plus the sum of [m, n), m the largest power of two
/// below n. The result is left in the first part.
void tree_sum(std::span<float> parts, std::size_t size);

class Mlp {
 public:
  /// Layers from `in` inputs through `widths`, ReLU after every layer, or every one but the last
  /// when !relu_last. Weights N(0, 2 / (in + out)) and biases N(0, 1 / out), as DLRM draws them,
  /// from (seed, stream + layer).
  Mlp(std::int64_t in, std::vector<std::int64_t> widths, bool relu_last, OptimizerConfig optimizer,
      BatchSums sums, std::uint64_t seed, std::uint64_t stream);

  std::int64_t inputs() const { return in_; }
  std::int64_t outputs() const { return widths_.back(); }

  /// The output (rows, outputs()) for x (rows, inputs()); valid until the next forward. x must
  /// stay valid until backward_update.
  std::span<const float> forward(std::span<const float> x, std::int64_t rows);
  /// The last forward's output.
  std::span<const float> output() const { return layers_.back().y; }
  /// Given d loss / d output of the last forward, writes d loss / d x into dx (unless empty) and
  /// the parameters' gradients into `gradient` (parameter_count() values: per layer its weights'
  /// then its biases').
  void backward(std::span<const float> d_output, std::span<float> dx, std::span<float> gradient);
  /// One optimizer step of every parameter with `gradient` (as backward writes it).
  void update(std::span<const float> gradient);
  /// Number of weights and biases.
  std::size_t parameter_count() const;

  /// Layer l's weights (in, out) row-major and its biases.
  std::span<const float> weights(std::size_t l) const { return layers_[l].w; }
  std::span<const float> biases(std::size_t l) const { return layers_[l].b; }
  std::span<float> weights(std::size_t l) { return layers_[l].w; }
  std::span<float> biases(std::size_t l) { return layers_[l].b; }
  /// Layer l's AdaGrad accumulators of its weights and biases (empty for SGD).
  std::span<float> weight_state(std::size_t l) { return layers_[l].w_state; }
  std::span<float> bias_state(std::size_t l) { return layers_[l].b_state; }
  std::size_t layers() const { return layers_.size(); }

 private:
  struct Layer {
    std::int64_t in = 0, out = 0;
    bool relu = true;
    std::vector<float> w, b, w_state, b_state;  // state: AdaGrad's accumulators, else empty
    std::vector<float> y;                       // the last forward's output
  };
  // Layer's weight and bias gradients (its weights', then its biases') from the batch's input to
  // it and gradient_ (its output's gradient), into `out`: by chunk tree or in one pass.
  void chunk_tree_gradients(const Layer& layer, const float* input, float* out);
  void whole_batch_gradients(const Layer& layer, const float* input, float* out);
  // Rows of a batch that a call of the forward's and the input gradient's GEMMs makes.
  std::int64_t rows_per_call() const;

  std::int64_t in_;
  std::vector<std::int64_t> widths_;
  OptimizerConfig optimizer_;
  BatchSums sums_;
  std::vector<Layer> layers_;
  const float* x_ = nullptr;  // the last forward's input
  std::int64_t rows_ = 0;
  std::vector<float> gradient_, next_gradient_, chunk_sums_;
};

}  // namespace tessera::dlrm::detail
