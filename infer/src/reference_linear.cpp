// Reference linear-algebra operators: MatMul (NumPy semantics: 1-D operands promoted, batch
// dimensions broadcast), Gemm (alpha·op(A)·op(B) + beta·C, C broadcast to the result) and
// Softmax (on a 2-D coercion at `axis` before opset 13, along one axis since). Sums run in
// double.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reference_ops.hpp"
#include "tessera/core/error.hpp"

namespace tessera::infer {
namespace {

std::vector<Tensor> matmul(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& a = input_at(node, in, 0);
  const Tensor& b = input_at(node, in, 1);
  require_float32(node, a);
  require_float32(node, b);
  if (a.rank() == 0 || b.rank() == 0) throw Error(node.describe(), "does not take scalars");
  // Promote 1-D operands: a (K) -> (1, K), b (K) -> (K, 1); the added dimension is dropped after.
  std::vector<std::int64_t> sa = a.shape, sb = b.shape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  const std::int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  if (sb[sb.size() - 2] != k) {
    throw Error(node.describe(),
                fmt::format("multiplies {} by {}", shape_string(a.shape), shape_string(b.shape)));
  }
  // Batch dimensions broadcast.
  const std::size_t batch_rank = std::max(sa.size(), sb.size()) - 2;
  std::vector<std::int64_t> batch(batch_rank);
  for (std::size_t i = 0; i < batch_rank; ++i) {
    const auto dim = [&](const std::vector<std::int64_t>& s) {
      const std::size_t r = s.size() - 2;
      return i < batch_rank - r ? std::int64_t{1} : s[i - (batch_rank - r)];
    };
    const std::int64_t da = dim(sa), db = dim(sb);
    if (da != db && da != 1 && db != 1) {
      throw Error(node.describe(), fmt::format("cannot broadcast the batches of {} and {}",
                                               shape_string(a.shape), shape_string(b.shape)));
    }
    batch[i] = std::max(da, db);
  }
  std::vector<std::int64_t> out_shape = batch;
  if (a.rank() > 1) out_shape.push_back(m);
  if (b.rank() > 1) out_shape.push_back(n);
  Tensor out(DataType::kFloat32, out_shape);
  const auto pa = a.data<float>();
  const auto pb = b.data<float>();
  auto po = out.data<float>();
  const std::size_t batches = element_count(batch);
  // The flat batch index of an operand with its own (right-aligned, broadcast) batch shape.
  const auto batch_offset = [&](std::size_t flat, const std::vector<std::int64_t>& s) {
    const std::size_t r = s.size() - 2;
    std::size_t offset = 0, stride = 1;
    for (std::size_t i = batch_rank; i-- > 0;) {
      const std::int64_t full = batch[i];
      const std::int64_t index = static_cast<std::int64_t>(flat) % full;
      flat /= static_cast<std::size_t>(full);
      if (i >= batch_rank - r) {
        const std::int64_t own = s[i - (batch_rank - r)];
        if (own != 1) offset += static_cast<std::size_t>(index) * stride;
        stride *= static_cast<std::size_t>(own);
      }
    }
    return offset;
  };
  for (std::size_t t = 0; t < batches; ++t) {
    const float* x = pa.data() + batch_offset(t, sa) * static_cast<std::size_t>(m * k);
    const float* y = pb.data() + batch_offset(t, sb) * static_cast<std::size_t>(k * n);
    float* z = po.data() + t * static_cast<std::size_t>(m * n);
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (std::int64_t p = 0; p < k; ++p) s += static_cast<double>(x[i * k + p]) * y[p * n + j];
        z[i * n + j] = static_cast<float>(s);
      }
    }
  }
  return {out};
}

std::vector<Tensor> gemm(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& a = input_at(node, in, 0);
  const Tensor& b = input_at(node, in, 1);
  const Tensor* c = optional_input(in, 2);
  require_float32(node, a);
  require_float32(node, b);
  if (a.rank() != 2 || b.rank() != 2) throw Error(node.describe(), "takes 2-D A and B");
  const bool ta = node.attribute<std::int64_t>("transA", 0) != 0;
  const bool tb = node.attribute<std::int64_t>("transB", 0) != 0;
  const double alpha = node.attribute<float>("alpha", 1.0f),
               beta = node.attribute<float>("beta", 1.0f);
  const std::int64_t m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
  const std::int64_t n = tb ? b.shape[0] : b.shape[1];
  if ((tb ? b.shape[1] : b.shape[0]) != k) {
    throw Error(node.describe(), fmt::format("multiplies {} by {} (transA {}, transB {})",
                                             shape_string(a.shape), shape_string(b.shape), ta, tb));
  }
  Tensor out(DataType::kFloat32, {m, n});
  const auto pa = a.data<float>();
  const auto pb = b.data<float>();
  auto po = out.data<float>();
  // C broadcast to (M, N): strides 0 along its dimensions of 1 (or missing).
  std::int64_t c_row = 0, c_col = 0;
  std::span<const float> pc;
  if (c != nullptr) {
    require_float32(node, *c);
    pc = c->data<float>();
    if (c->rank() > 2) throw Error(node.describe(), "takes a C of at most two dimensions");
    const std::int64_t cm = c->rank() == 2 ? c->shape[0] : 1;
    const std::int64_t cn = c->rank() >= 1 ? c->shape.back() : 1;
    if ((cm != 1 && cm != m) || (cn != 1 && cn != n)) {
      throw Error(node.describe(),
                  fmt::format("cannot broadcast C {} to [{}, {}]", shape_string(c->shape), m, n));
    }
    c_row = cm == 1 ? 0 : cn;
    c_col = cn == 1 ? 0 : 1;
  }
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        s += static_cast<double>(pa[static_cast<std::size_t>(ta ? p * m + i : i * k + p)]) *
             pb[static_cast<std::size_t>(tb ? j * k + p : p * n + j)];
      }
      s *= alpha;
      if (c != nullptr) s += beta * pc[static_cast<std::size_t>(i * c_row + j * c_col)];
      po[static_cast<std::size_t>(i * n + j)] = static_cast<float>(s);
    }
  }
  return {out};
}

std::vector<Tensor> softmax(const Node& node, std::span<const Tensor* const> in,
                            std::int64_t opset) {
  const Tensor& x = input_at(node, in, 0);
  require_float32(node, x);
  const std::int64_t axis =
      normalized_axis(node, node.attribute<std::int64_t>("axis", opset < 13 ? 1 : -1), x.rank());
  // Rows of `width` elements `step` apart: before opset 13 a row is everything from `axis` on.
  std::int64_t outer = 1, width = 1, inner = 1;
  for (std::size_t d = 0; d < x.rank(); ++d) {
    const auto di = static_cast<std::int64_t>(d);
    if (di < axis)
      outer *= x.shape[d];
    else if (di == axis || opset < 13)
      width *= x.shape[d];
    else
      inner *= x.shape[d];
  }
  Tensor out = x;
  auto p = out.data<float>();
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      float* row = p.data() + o * width * inner + i;
      double top = -INFINITY, total = 0;
      for (std::int64_t w = 0; w < width; ++w)
        top = std::max(top, static_cast<double>(row[w * inner]));
      for (std::int64_t w = 0; w < width; ++w) total += std::exp(row[w * inner] - top);
      for (std::int64_t w = 0; w < width; ++w)
        row[w * inner] = static_cast<float>(std::exp(row[w * inner] - top) / total);
    }
  }
  return {out};
}

constexpr ReferenceOpEntry kOps[] = {
    {"MatMul", &matmul},
    {"Gemm", &gemm},
    {"Softmax", &softmax},
};

}  // namespace

std::span<const ReferenceOpEntry> linear_ops() { return kOps; }

}  // namespace tessera::infer
