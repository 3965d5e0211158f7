// Fully connected layers on OpenBLAS with their optimizer step (mlp.hpp).
#include "mlp.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::dlrm::detail {
namespace {

// Rows or columns that one piece of parallel work takes: enough that OpenBLAS's packing of the
// other operand, repeated per piece, costs little beside the multiply-adds.
constexpr std::size_t kGrain = 128;

// C (m, n) = op(A) · op(B), all row-major, split over the threads by rows of C (or by columns
// where it has fewer rows), one single-threaded OpenBLAS call per piece: no second pool of
// threads competes with OpenMP's, and each element's sum over k is one call's, whatever the
// thread count.
void parallel_sgemm(bool transpose_a, bool transpose_b, std::int64_t m, std::int64_t n,
                    std::int64_t k, const float* a, std::int64_t lda, const float* b,
                    std::int64_t ldb, float* c, std::int64_t ldc) {
  openblas_set_num_threads(1);
  const bool by_rows = m >= n;
  parallel_for(static_cast<std::size_t>(by_rows ? m : n), kGrain, [&](std::size_t, Range r) {
    const auto first = static_cast<std::int64_t>(r.begin);
    const auto size = static_cast<int>(r.end - r.begin);
    // Rows of C are rows of op(A); columns of C are columns of op(B).
    const float* a_part = by_rows ? a + first * (transpose_a ? 1 : lda) : a;
    const float* b_part = by_rows ? b : b + first * (transpose_b ? ldb : 1);
    float* c_part = c + first * (by_rows ? ldc : 1);
    cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
                transpose_b ? CblasTrans : CblasNoTrans, by_rows ? size : static_cast<int>(m),
                by_rows ? static_cast<int>(n) : size, static_cast<int>(k), 1.0f, a_part,
                static_cast<int>(lda), b_part, static_cast<int>(ldb), 0.0f, c_part,
                static_cast<int>(ldc));
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
void update(const OptimizerConfig& o, std::vector<float>& p, std::vector<float>& state,
            const std::vector<float>& g) {
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
    parallel_sgemm(false, false, rows, layer.out, layer.in, input, layer.in, layer.w.data(),
                   layer.out, layer.y.data(), layer.out);
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

void Mlp::backward_update(std::span<const float> d_output, std::span<float> dx) {
  gradient_.assign(d_output.begin(), d_output.end());
  for (std::size_t l = layers_.size(); l-- > 0;) {
    Layer& layer = layers_[l];
    if (layer.relu) {
      parallel_each(static_cast<std::int64_t>(gradient_.size()), 1, [&](std::int64_t i) {
        if (layer.y[static_cast<std::size_t>(i)] <= 0.0f)
          gradient_[static_cast<std::size_t>(i)] = 0.0f;
      });
    }
    const float* input = l == 0 ? x_ : layers_[l - 1].y.data();
    w_gradient_.resize(layer.w.size());
    parallel_sgemm(true, false, layer.in, layer.out, rows_, input, layer.in, gradient_.data(),
                   layer.out, w_gradient_.data(), layer.out);
    b_gradient_.resize(layer.b.size());
    parallel_each(layer.out, rows_, [&](std::int64_t o) {  // each column summed in row order
      float sum = 0.0f;
      for (std::int64_t r = 0; r < rows_; ++r)
        sum += gradient_[static_cast<std::size_t>(r * layer.out + o)];
      b_gradient_[static_cast<std::size_t>(o)] = sum;
    });
    if (l > 0 || !dx.empty()) {
      next_gradient_.resize(static_cast<std::size_t>(rows_ * layer.in));
      parallel_sgemm(false, true, rows_, layer.in, layer.out, gradient_.data(), layer.out,
                     layer.w.data(), layer.out, next_gradient_.data(), layer.in);
    }
    update(optimizer_, layer.w, layer.w_state, w_gradient_);
    update(optimizer_, layer.b, layer.b_state, b_gradient_);
    std::swap(gradient_, next_gradient_);
  }
  if (!dx.empty()) std::copy(gradient_.begin(), gradient_.end(), dx.begin());
}

}  // namespace tessera::dlrm::detail
