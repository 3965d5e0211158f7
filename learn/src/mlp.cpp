// MLP forward and backward passes over oneDNN's sgemm, SGD with momentum, masks and Taylor scores.
#include "tessera/learn/mlp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/learn/onednn_gemm.hpp"

namespace tessera::learn {

namespace {

// z (rows × out) = x · W + b.
void affine(const MlpLayer& layer, const float* x, std::size_t rows, float* z) {
  for (std::size_t r = 0; r < rows; ++r) std::copy_n(layer.b.data(), layer.out, z + r * layer.out);
  onednn_sgemm('N', 'N', rows, layer.out, layer.in, x, layer.in, layer.w.data(), layer.out, 1.0f, z,
               layer.out);
}

void relu(std::span<float> z) {
  for (float& v : z) v = std::max(v, 0.0f);
}

}  // namespace

std::size_t argmax(std::span<const float> scores) {
  return static_cast<std::size_t>(std::ranges::max_element(scores) - scores.begin());
}

Mlp::Mlp(std::span<const std::size_t> sizes, std::uint64_t seed) {
  if (sizes.size() < 2) throw usage_error("MLP", "needs at least an input and an output size");
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    MlpLayer layer;
    layer.in = sizes[l];
    layer.out = sizes[l + 1];
    layer.w = AlignedBuffer<float>(layer.in * layer.out);
    fill_normal(layer.w.span(), CounterRng(seed, l), 0.0,
                std::sqrt(2.0 / static_cast<double>(layer.in)));
    layer.b = AlignedBuffer<float>(layer.out);
    layer.taylor = AlignedBuffer<float>(layer.in * layer.out);
    velocity_w_.emplace_back(layer.in * layer.out);
    velocity_b_.emplace_back(layer.out);
    layers_.push_back(std::move(layer));
  }
}

Mlp Mlp::clone() const {
  Mlp copy;
  for (const MlpLayer& layer : layers_) {
    copy.layers_.push_back(
        {layer.in, layer.out, layer.w.clone(), layer.b.clone(), layer.mask, layer.taylor.clone()});
  }
  for (const auto& v : velocity_w_) copy.velocity_w_.push_back(v.clone());
  for (const auto& v : velocity_b_) copy.velocity_b_.push_back(v.clone());
  return copy;
}

void Mlp::set_mask(std::size_t l, std::vector<std::uint8_t> mask) {
  MlpLayer& layer = layers_.at(l);
  if (mask.size() != layer.in * layer.out) {
    throw usage_error(
        "mask", fmt::format("has {} entries for a {}x{} layer", mask.size(), layer.in, layer.out));
  }
  layer.mask = std::move(mask);
  for (std::size_t i = 0; i < layer.mask.size(); ++i) {
    if (layer.mask[i] == 0) layer.w[i] = velocity_w_[l][i] = 0.0f;
  }
  std::fill(layer.taylor.begin(), layer.taylor.end(), 0.0f);
}

namespace {

// `values` (rows × columns, row-major) with its columns (by_columns) or rows renumbered: new i =
// old order[i].
template <class T>
void permute(std::span<T> values, std::size_t columns, std::span<const std::size_t> order,
             bool by_columns) {
  if (values.empty()) return;
  const std::vector<T> old(values.begin(), values.end());
  const std::size_t rows = values.size() / columns;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      values[r * columns + c] =
          by_columns ? old[r * columns + order[c]] : old[order[r] * columns + c];
    }
  }
}

}  // namespace

void Mlp::permute_hidden(std::size_t l, std::span<const std::size_t> order) {
  if (l + 1 >= layers_.size()) {
    throw usage_error("hidden unit order", fmt::format("layer {} is not a hidden layer", l));
  }
  MlpLayer& in = layers_[l];
  MlpLayer& out = layers_[l + 1];
  std::vector<std::uint8_t> seen(in.out, 0);
  bool permutation = order.size() == in.out;
  for (std::size_t u : order) permutation = permutation && u < in.out && seen[u]++ == 0;
  if (!permutation) {
    throw usage_error("hidden unit order",
                      fmt::format("is not a permutation of layer {}'s {} units", l, in.out));
  }
  for (MlpLayer* layer : {&in, &out}) {
    const bool by_columns = layer == &in;
    const std::size_t l_index = by_columns ? l : l + 1;
    permute(layer->w.span(), layer->out, order, by_columns);
    permute(std::span<std::uint8_t>(layer->mask), layer->out, order, by_columns);
    permute(layer->taylor.span(), layer->out, order, by_columns);
    permute(velocity_w_[l_index].span(), layer->out, order, by_columns);
  }
  permute(in.b.span(), in.out, order, true);
  permute(velocity_b_[l].span(), in.out, order, true);
}

double Mlp::train_epoch(const ImageSet& data, std::size_t epoch, const TrainOptions& options) {
  const std::size_t features = layers_.front().in;
  const std::size_t classes = layers_.back().out;
  if (data.pixels_per_image() != features) {
    throw usage_error("training data", fmt::format("images of {} pixels for an MLP of {} inputs",
                                                   data.pixels_per_image(), features));
  }
  // The epoch's permutation: Fisher-Yates from the counter-based RNG.
  std::vector<std::size_t> order(data.count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const CounterRng rng(options.seed, 1000 + epoch);
  for (std::size_t i = data.count; i > 1; --i) std::swap(order[i - 1], order[rng.u64(i) % i]);

  const std::size_t layers = layers_.size();
  std::vector<AlignedBuffer<float>> activations(layers + 1);  // a0 = x, a_l = relu(z_l)
  std::vector<AlignedBuffer<float>> gradient_w(layers);
  for (std::size_t l = 0; l < layers; ++l)
    gradient_w[l] = AlignedBuffer<float>(layers_[l].in * layers_[l].out);
  double loss_sum = 0;
  for (std::size_t first = 0; first < data.count; first += options.batch) {
    const std::size_t rows = std::min(options.batch, data.count - first);
    activations[0] = AlignedBuffer<float>(rows * features);
    for (std::size_t r = 0; r < rows; ++r) {
      std::copy_n(data.pixels.data() + order[first + r] * features, features,
                  activations[0].data() + r * features);
    }
    for (std::size_t l = 0; l < layers; ++l) {
      activations[l + 1] = AlignedBuffer<float>(rows * layers_[l].out);
      layer_forward(l, activations[l].data(), rows, activations[l + 1].data());
    }
    // Softmax cross-entropy: dz = (softmax(z) - onehot) / rows.
    AlignedBuffer<float> dz(rows * classes);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* z = activations[layers].data() + r * classes;
      const float top = *std::max_element(z, z + classes);
      double sum = 0;
      for (std::size_t k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(z[k] - top));
      const std::uint8_t label = data.labels[order[first + r]];
      loss_sum += std::log(sum) - static_cast<double>(z[label] - top);
      for (std::size_t k = 0; k < classes; ++k) {
        const double p = std::exp(static_cast<double>(z[k] - top)) / sum;
        dz[r * classes + k] = static_cast<float>((p - (k == label ? 1.0 : 0.0)) / rows);
      }
    }
    for (std::size_t l = layers; l-- > 0;) {
      MlpLayer& layer = layers_[l];
      onednn_sgemm('T', 'N', layer.in, layer.out, rows, activations[l].data(), layer.in, dz.data(),
                   layer.out, 0.0f, gradient_w[l].data(), layer.out);
      AlignedBuffer<float> db(layer.out);
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t j = 0; j < layer.out; ++j) db[j] += dz[r * layer.out + j];
      }
      AlignedBuffer<float> previous;
      if (l > 0) {  // da = dz · Wᵀ, through the ReLU of z_{l-1} (a > 0 exactly where z > 0)
        previous = AlignedBuffer<float>(rows * layer.in);
        onednn_sgemm('N', 'T', rows, layer.in, layer.out, dz.data(), layer.out, layer.w.data(),
                     layer.out, 0.0f, previous.data(), layer.in);
        for (std::size_t i = 0; i < previous.size(); ++i) {
          if (activations[l][i] <= 0.0f) previous[i] = 0.0f;
        }
      }
      AlignedBuffer<float>& vw = velocity_w_[l];
      for (std::size_t i = 0; i < layer.w.size(); ++i) {
        if (options.taylor) {
          const float t = gradient_w[l][i] * layer.w[i];
          layer.taylor[i] += t * t;
        }
        vw[i] = options.momentum * vw[i] - options.learning_rate * gradient_w[l][i];
        layer.w[i] += vw[i];
      }
      for (std::size_t j = 0; j < layer.out; ++j) {
        velocity_b_[l][j] = options.momentum * velocity_b_[l][j] - options.learning_rate * db[j];
        layer.b[j] += velocity_b_[l][j];
      }
      if (!layer.mask.empty()) {
        for (std::size_t i = 0; i < layer.mask.size(); ++i) {
          if (layer.mask[i] == 0) layer.w[i] = vw[i] = 0.0f;
        }
      }
      if (l > 0) dz = std::move(previous);
    }
  }
  return loss_sum / static_cast<double>(data.count);
}

void Mlp::layer_forward(std::size_t l, const float* x, std::size_t rows, float* z) const {
  affine(layers_.at(l), x, rows, z);
  if (l + 1 < layers_.size()) relu({z, rows * layers_[l].out});
}

void Mlp::forward(std::span<const float> inputs, std::size_t count, std::span<float> logits) const {
  if (inputs.size() != count * layers_.front().in || logits.size() != count * layers_.back().out) {
    throw usage_error("MLP forward", "input or logit buffer does not match the layer sizes");
  }
  AlignedBuffer<float> a(inputs.size());
  std::copy(inputs.begin(), inputs.end(), a.begin());
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    AlignedBuffer<float> z(count * layers_[l].out);
    layer_forward(l, a.data(), count, z.data());
    a = std::move(z);
  }
  std::copy(a.begin(), a.end(), logits.begin());
}

double Mlp::accuracy(const ImageSet& data) const {
  const std::size_t classes = layers_.back().out;
  constexpr std::size_t kBatch = 1000;
  std::size_t correct = 0;
  for (std::size_t first = 0; first < data.count; first += kBatch) {
    const std::size_t rows = std::min(kBatch, data.count - first);
    AlignedBuffer<float> logits(rows * classes);
    forward(
        data.pixels.span().subspan(first * data.pixels_per_image(), rows * data.pixels_per_image()),
        rows, logits.span());
    for (std::size_t r = 0; r < rows; ++r) {
      correct += argmax(logits.span().subspan(r * classes, classes)) == data.labels[first + r];
    }
  }
  return data.count == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(data.count);
}

}  // namespace tessera::learn
