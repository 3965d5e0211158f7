// Fully connected layers on OpenBLAS with their optimizer step (mlp.hpp).
#include "mlp.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::dlrm::detail {
namespace {

// C (m, n) = op(A) · op(B) [+ bias on every row], all row-major, then c = 0 where mask <= 0 (mask
// laid out as C; none if null). In blocks of `block` rows of C spread over the threads, one
// single-threaded OpenBLAS call per block, the bias and the mask applied to a block while it is in
// cache: no second pool of threads competes with OpenMP's, and each row of C comes from a call of
// the same shape whatever the thread count.
void gemm_row_blocks(bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                     const float* a, const float* b, std::int64_t ldb, float* c, std::int64_t block,
                     const float* bias, const float* mask) {
  openblas_set_num_threads(1);
  const auto blocks = static_cast<std::size_t>((m + block - 1) / block);
  parallel_for(blocks, 1, [&](std::size_t i, Range) {
    const auto first = static_cast<std::int64_t>(i) * block;
    const std::int64_t rows = std::min(block, m - first);
    float* out = c + first * n;
    if (bias != nullptr)
      for (std::int64_t r = 0; r < rows; ++r) std::copy_n(bias, n, out + r * n);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
                static_cast<int>(rows), static_cast<int>(n), static_cast<int>(k), 1.0f,
                a + first * k, static_cast<int>(k), b, static_cast<int>(ldb),
                bias != nullptr ? 1.0f : 0.0f, out, static_cast<int>(n));
    if (mask != nullptr) {
      const float* keep = mask + first * n;
      for (std::int64_t j = 0; j < rows * n; ++j) out[j] = keep[j] > 0.0f ? out[j] : 0.0f;
    }
  });
}

// Rows of C a call of the forward's and the input gradient's GEMMs makes when the sums over the
// batch are whole (with chunk trees: kChunk): big enough that packing W costs little.
constexpr std::int64_t kRowBlock = 256;
// At most this many rows or columns of W's gradient, and columns of the biases', a call makes with
// whole sums.
constexpr std::int64_t kGradientBlock = 256;
constexpr std::int64_t kBiasBlock = 64;

// sum[c] = the sum of g[r * stride + c] over r in [0, rows), in row order, for c in [0, columns).
void sum_columns(const float* g, std::int64_t rows, std::int64_t columns, std::int64_t stride,
                 float* sum) {
  std::fill_n(sum, columns, 0.0f);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < columns; ++c) sum[c] += g[r * stride + c];
}

// body(begin, end) over [0, n) in pieces spread over the threads, each of about 4096 elements'
// work when an index is `work` elements'.
template <class Body>
void parallel_ranges(std::int64_t n, std::int64_t work, Body&& body) {
  const auto grain = static_cast<std::size_t>(std::max<std::int64_t>(1, 4096 / work));
  parallel_for(static_cast<std::size_t>(n), grain, [&](std::size_t, Range r) {
    body(static_cast<std::int64_t>(r.begin), static_cast<std::int64_t>(r.end));
  });
}

// One step of `o` on parameters p with gradient g (AdaGrad's accumulators in state; row-wise
// AdaGrad is AdaGrad for dense layers).
void update_parameters(const OptimizerConfig& o, std::vector<float>& parameters,
                       std::vector<float>& state, const float* g) {
  float* p = parameters.data();
  float* s = state.data();
  parallel_ranges(static_cast<std::int64_t>(parameters.size()), 1,
                  [&](std::int64_t begin, std::int64_t end) {
                    if (o.kind == OptimizerKind::kSgd) {
                      for (std::int64_t i = begin; i < end; ++i) p[i] -= o.learning_rate * g[i];
                      return;
                    }
                    for (std::int64_t i = begin; i < end; ++i) {
                      s[i] += g[i] * g[i];
                      p[i] -= o.learning_rate * g[i] / (std::sqrt(s[i]) + o.eps);
                    }
                  });
}

}  // namespace

void tree_sum(std::span<float> parts, std::size_t size) {
  const std::size_t n = size == 0 ? 0 : parts.size() / size;
  if (n < 2) return;
  const std::size_t m = std::bit_floor(n - 1);
  tree_sum(parts.first(m * size), size);
  tree_sum(parts.subspan(m * size), size);
  float* to = parts.data();
  const float* from = parts.data() + m * size;
  parallel_ranges(static_cast<std::int64_t>(size), 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) to[i] += from[i];
  });
}

Mlp::Mlp(std::int64_t in, std::vector<std::int64_t> widths, bool relu_last,
         OptimizerConfig optimizer, BatchSums sums, std::uint64_t seed, std::uint64_t stream)
    : in_(in), widths_(std::move(widths)), optimizer_(optimizer), sums_(sums) {
  std::int64_t previous = in;
  for (std::size_t l = 0; l < widths_.size(); ++l) {
    Layer layer;
    layer.in = previous;
    layer.out = widths_[l];
    layer.relu = relu_last || l + 1 < widths_.size();
    layer.w.resize(static_cast<std::size_t>(layer.in * layer.out));
    layer.b.resize(static_cast<std::size_t>(layer.out));
    const CounterRng rng(seed, stream + l);
    const double w_std = std::sqrt(2.0 / static_cast<double>(layer.in + layer.out));
    const double b_std = std::sqrt(1.0 / static_cast<double>(layer.out));
    for (std::size_t i = 0; i < layer.w.size(); ++i)
      layer.w[i] = static_cast<float>(rng.normal(i, 0.0, w_std));
    for (std::size_t i = 0; i < layer.b.size(); ++i)
      layer.b[i] = static_cast<float>(rng.normal(layer.w.size() + i, 0.0, b_std));
    if (optimizer_.kind != OptimizerKind::kSgd) {
      layer.w_state.assign(layer.w.size(), 0.0f);
      layer.b_state.assign(layer.b.size(), 0.0f);
    }
    layers_.push_back(std::move(layer));
    previous = widths_[l];
  }
}

std::span<const float> Mlp::forward(std::span<const float> x, std::int64_t rows) {
  x_ = x.data();
  rows_ = rows;
  const float* input = x.data();
  for (Layer& layer : layers_) {
    layer.y.resize(static_cast<std::size_t>(rows * layer.out));
    gemm_row_blocks(false, rows, layer.out, layer.in, input, layer.w.data(), layer.out,
                    layer.y.data(), rows_per_call(), layer.b.data(),
                    layer.relu ? layer.y.data() : nullptr);  // ReLU: y masked by itself
    input = layer.y.data();
  }
  return layers_.back().y;
}

std::size_t Mlp::parameter_count() const {
  std::size_t n = 0;
  for (const Layer& layer : layers_) n += layer.w.size() + layer.b.size();
  return n;
}

std::int64_t Mlp::rows_per_call() const {
  return sums_ == BatchSums::kChunkTree ? kChunk : kRowBlock;
}

void Mlp::backward(std::span<const float> d_output, std::span<float> dx,
                   std::span<float> gradient) {
  if (d_output.size() != static_cast<std::size_t>(rows_ * outputs()) ||
      gradient.size() != parameter_count() ||
      (!dx.empty() && dx.size() != static_cast<std::size_t>(rows_ * in_)))
    throw Error("mlp backward",
                fmt::format("{} output gradients, {} input gradients and {} parameter gradients "
                            "for {} rows of {} inputs, {} outputs and {} parameters",
                            d_output.size(), dx.size(), gradient.size(), rows_, in_, outputs(),
                            parameter_count()));
  openblas_set_num_threads(1);  // the chunk calls below run on OpenMP's threads
  gradient_.assign(d_output.begin(), d_output.end());
  std::size_t end = parameter_count();
  for (std::size_t l = layers_.size(); l-- > 0;) {
    Layer& layer = layers_[l];
    if (l + 1 == layers_.size() && layer.relu) {  // the lower layers' masks come with their GEMM
      float* g = gradient_.data();
      const float* y = layer.y.data();
      parallel_ranges(static_cast<std::int64_t>(gradient_.size()), 1,
                      [&](std::int64_t first, std::int64_t last) {
                        for (std::int64_t i = first; i < last; ++i)
                          g[i] = y[i] > 0.0f ? g[i] : 0.0f;
                      });
    }
    const float* input = l == 0 ? x_ : layers_[l - 1].y.data();
    const std::size_t size = layer.w.size() + layer.b.size();
    end -= size;
    float* layer_gradient = gradient.data() + end;
    if (sums_ == BatchSums::kChunkTree)
      chunk_tree_gradients(layer, input, layer_gradient);
    else
      whole_batch_gradients(layer, input, layer_gradient);
    if (l > 0 || !dx.empty()) {
      next_gradient_.resize(static_cast<std::size_t>(rows_ * layer.in));
      // The gradient of the layer below's output, through its ReLU.
      const float* below = l > 0 && layers_[l - 1].relu ? layers_[l - 1].y.data() : nullptr;
      gemm_row_blocks(true, rows_, layer.in, layer.out, gradient_.data(), layer.w.data(), layer.out,
                      next_gradient_.data(), rows_per_call(), nullptr, below);
    }
    std::swap(gradient_, next_gradient_);
  }
  if (!dx.empty()) std::copy(gradient_.begin(), gradient_.end(), dx.begin());
}

void Mlp::chunk_tree_gradients(const Layer& layer, const float* input, float* out) {
  const std::int64_t chunks = (rows_ + kChunk - 1) / kChunk;
  const std::size_t size = layer.w.size() + layer.b.size();
  chunk_sums_.resize(static_cast<std::size_t>(std::max<std::int64_t>(chunks, 1)) * size);
  std::fill_n(chunk_sums_.begin(), size, 0.0f);  // the sum of no samples
  parallel_for(static_cast<std::size_t>(chunks), 1, [&](std::size_t c, Range) {
    const std::int64_t first = static_cast<std::int64_t>(c) * kChunk;
    const std::int64_t count = std::min(kChunk, rows_ - first);
    float* w_sum = chunk_sums_.data() + c * size;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(layer.in),
                static_cast<int>(layer.out), static_cast<int>(count), 1.0f,
                input + first * layer.in, static_cast<int>(layer.in),
                gradient_.data() + first * layer.out, static_cast<int>(layer.out), 0.0f, w_sum,
                static_cast<int>(layer.out));
    sum_columns(gradient_.data() + first * layer.out, count, layer.out, layer.out,
                w_sum + layer.w.size());
  });
  tree_sum(chunk_sums_, size);
  std::copy_n(chunk_sums_.begin(), size, out);
}

void Mlp::whole_batch_gradients(const Layer& layer, const float* input, float* out) {
  // W's gradient in blocks of its longer side (two or more where that side is longer than the
  // smallest block, each at most kGradientBlock), the same blocks for any thread count; each
  // block one OpenBLAS call over all the rows. Then the biases' in blocks of columns.
  const bool split_in = layer.in >= layer.out;
  const std::int64_t side = split_in ? layer.in : layer.out;
  const std::int64_t block =
      std::clamp((side / 2 + 15) / 16 * 16, kGradientBlock / 4, kGradientBlock);
  const std::int64_t blocks = (side + block - 1) / block;
  const float* g = gradient_.data();
  parallel_for(static_cast<std::size_t>(blocks), 1, [&](std::size_t b, Range) {
    const std::int64_t first = static_cast<std::int64_t>(b) * block;
    const std::int64_t count = std::min(block, side - first);
    const std::int64_t m = split_in ? count : layer.in, n = split_in ? layer.out : count;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(rows_), 1.0f, split_in ? input + first : input,
                static_cast<int>(layer.in), split_in ? g : g + first, static_cast<int>(layer.out),
                0.0f, split_in ? out + first * layer.out : out + first,
                static_cast<int>(layer.out));
  });
  float* bias = out + layer.w.size();
  const std::int64_t column_blocks = (layer.out + kBiasBlock - 1) / kBiasBlock;
  parallel_for(static_cast<std::size_t>(column_blocks), 1, [&](std::size_t b, Range) {
    const std::int64_t first = static_cast<std::int64_t>(b) * kBiasBlock;
    sum_columns(g + first, rows_, std::min(kBiasBlock, layer.out - first), layer.out, bias + first);
  });
}

void Mlp::update(std::span<const float> gradient) {
  std::size_t at = 0;
  for (Layer& layer : layers_) {
    update_parameters(optimizer_, layer.w, layer.w_state, gradient.data() + at);
    at += layer.w.size();
    update_parameters(optimizer_, layer.b, layer.b_state, gradient.data() + at);
    at += layer.b.size();
  }
}

}  // namespace tessera::dlrm::detail
