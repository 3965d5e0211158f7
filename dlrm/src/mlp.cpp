// Fully connected layers on OpenBLAS with their optimizer step (mlp.hpp).
#include "mlp.hpp"

#include <cblas.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::dlrm::detail {
namespace {

// C (m, n) = op(A) · op(B), all row-major, in pieces of kChunk rows of C spread over the threads,
// one single-threaded OpenBLAS call per piece: no second pool of threads competes with OpenMP's,
// and each row of C comes from a call of the same shape whatever the thread count or the rows
// around it.
void sgemm_by_chunks(bool transpose_b, std::int64_t m, std::int64_t n, std::int64_t k,
                     const float* a, const float* b, std::int64_t ldb, float* c) {
  openblas_set_num_threads(1);
  const auto chunks = static_cast<std::size_t>((m + kChunk - 1) / kChunk);
  parallel_for(chunks, 1, [&](std::size_t chunk, Range) {
    const auto first = static_cast<std::int64_t>(chunk) * kChunk;
    const std::int64_t rows = std::min(kChunk, m - first);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
                static_cast<int>(rows), static_cast<int>(n), static_cast<int>(k), 1.0f,
                a + first * k, static_cast<int>(k), b, static_cast<int>(ldb), 0.0f, c + first * n,
                static_cast<int>(n));
  });
}

// body(i) for i in [0, n), in pieces over the threads of about 4096 elements' work, when each i
// is `work` elements'.
template <class Body>
void parallel_each(std::int64_t n, std::int64_t work, Body&& body) {
  const auto grain = static_cast<std::size_t>(std::max<std::int64_t>(1, 4096 / work));
  parallel_for(static_cast<std::size_t>(n), grain, [&](std::size_t, Range r) {
    for (std::size_t i = r.begin; i < r.end; ++i) body(static_cast<std::int64_t>(i));
  });
}

// One step of `o` on parameters p with gradient g (AdaGrad's accumulators in state; row-wise
// AdaGrad is AdaGrad for dense layers).
void update_parameters(const OptimizerConfig& o, std::vector<float>& p, std::vector<float>& state,
                       const float* g) {
  parallel_each(static_cast<std::int64_t>(p.size()), 1, [&](std::int64_t j) {
    const auto i = static_cast<std::size_t>(j);
    if (o.kind == OptimizerKind::kSgd) {
      p[i] -= o.learning_rate * g[i];
    } else {
      state[i] += g[i] * g[i];
      p[i] -= o.learning_rate * g[i] / (std::sqrt(state[i]) + o.eps);
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
  parallel_each(static_cast<std::int64_t>(size), 1, [&](std::int64_t i) { to[i] += from[i]; });
}

Mlp::Mlp(std::int64_t in, std::vector<std::int64_t> widths, bool relu_last,
         OptimizerConfig optimizer, std::uint64_t seed, std::uint64_t stream)
    : in_(in), widths_(std::move(widths)), optimizer_(optimizer) {
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
    sgemm_by_chunks(false, rows, layer.out, layer.in, input, layer.w.data(), layer.out,
                    layer.y.data());
    parallel_each(rows, layer.out, [&](std::int64_t r) {  // bias, then ReLU
      float* y = layer.y.data() + r * layer.out;
      for (std::int64_t o = 0; o < layer.out; ++o) {
        const float v = y[o] + layer.b[static_cast<std::size_t>(o)];
        y[o] = layer.relu ? std::max(v, 0.0f) : v;
      }
    });
    input = layer.y.data();
  }
  return layers_.back().y;
}

std::size_t Mlp::parameter_count() const {
  std::size_t n = 0;
  for (const Layer& layer : layers_) n += layer.w.size() + layer.b.size();
  return n;
}

void Mlp::backward(std::span<const float> d_output, std::span<float> dx,
                   std::span<float> gradient) {
  gradient_.assign(d_output.begin(), d_output.end());
  const std::int64_t chunks = (rows_ + kChunk - 1) / kChunk;
  std::size_t end = parameter_count();
  for (std::size_t l = layers_.size(); l-- > 0;) {
    Layer& layer = layers_[l];
    if (layer.relu) {
      parallel_each(static_cast<std::int64_t>(gradient_.size()), 1, [&](std::int64_t i) {
        if (layer.y[static_cast<std::size_t>(i)] <= 0.0f)
          gradient_[static_cast<std::size_t>(i)] = 0.0f;
      });
    }
    // Each chunk's weight and bias gradients, then their tree sum.
    const float* input = l == 0 ? x_ : layers_[l - 1].y.data();
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
      float* b_sum = w_sum + layer.w.size();
      std::fill_n(b_sum, layer.out, 0.0f);
      for (std::int64_t r = first; r < first + count; ++r)  // each column summed in row order
        for (std::int64_t o = 0; o < layer.out; ++o)
          b_sum[o] += gradient_[static_cast<std::size_t>(r * layer.out + o)];
    });
    tree_sum(chunk_sums_, size);
    end -= size;
    std::copy_n(chunk_sums_.begin(), size, gradient.begin() + static_cast<std::ptrdiff_t>(end));
    if (l > 0 || !dx.empty()) {
      next_gradient_.resize(static_cast<std::size_t>(rows_ * layer.in));
      sgemm_by_chunks(true, rows_, layer.in, layer.out, gradient_.data(), layer.w.data(), layer.out,
                      next_gradient_.data());
    }
    std::swap(gradient_, next_gradient_);
  }
  if (!dx.empty()) std::copy(gradient_.begin(), gradient_.end(), dx.begin());
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
