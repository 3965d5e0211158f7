// Reference element-wise operators: activations (Relu, LeakyRelu, Sigmoid, Tanh, Clip),
// pass-throughs (Identity, Dropout at inference), and Add/Sub/Mul/Div/Sum with NumPy-style
// (multidirectional) broadcasting.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "reference_ops.hpp"
#include "tessera/core/error.hpp"

namespace tessera::infer {
namespace {

// The broadcast of shapes a and b (ONNX's multidirectional broadcasting).
std::vector<std::int64_t> broadcast_shape(const Node& node, std::span<const std::int64_t> a,
                                          std::span<const std::int64_t> b) {
  const std::size_t rank = std::max(a.size(), b.size());
  std::vector<std::int64_t> out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw Error(node.describe(),
                  fmt::format("cannot broadcast {} with {}", shape_string(a), shape_string(b)));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// Strides of `shape` seen from an output of rank `rank`: 0 along broadcast dimensions.
std::vector<std::int64_t> broadcast_strides(std::span<const std::int64_t> shape, std::size_t rank) {
  std::vector<std::int64_t> out(rank, 0);
  const std::vector<std::int64_t> s = strides_of(shape);
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] != 1) out[rank - shape.size() + i] = s[i];
  }
  return out;
}

// out[i] = f(a[...], b[...]) over the broadcast of a and b.
template <class T, class F>
Tensor broadcast_binary(const Node& node, const Tensor& a, const Tensor& b, F f) {
  if (a.type != b.type) {
    throw Error(node.describe(), fmt::format("adds {} to {}: the element types must agree",
                                             to_string(a.type), to_string(b.type)));
  }
  Tensor out(a.type, broadcast_shape(node, a.shape, b.shape));
  const std::size_t rank = out.rank();
  const std::vector<std::int64_t> sa = broadcast_strides(a.shape, rank),
                                  sb = broadcast_strides(b.shape, rank);
  const auto da = a.data<T>();
  const auto db = b.data<T>();
  auto dout = out.data<T>();
  std::vector<std::int64_t> index(rank, 0);
  std::int64_t ia = 0, ib = 0;
  for (std::size_t i = 0; i < dout.size(); ++i) {
    dout[i] = f(da[static_cast<std::size_t>(ia)], db[static_cast<std::size_t>(ib)]);
    for (std::size_t d = rank; d-- > 0;) {  // advance the output index, last dimension first
      ++index[d];
      ia += sa[d];
      ib += sb[d];
      if (index[d] < out.shape[d]) break;
      ia -= sa[d] * index[d];
      ib -= sb[d] * index[d];
      index[d] = 0;
    }
  }
  return out;
}

enum class Arithmetic { kAdd, kSub, kMul, kDiv };

template <Arithmetic kOp>
std::vector<Tensor> arithmetic(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& a = input_at(node, in, 0);
  const Tensor& b = input_at(node, in, 1);
  if (a.type == DataType::kBool) throw Error(node.describe(), "does not take bool tensors");
  return {with_type(a.type, [&](auto zero) {
    using T = decltype(zero);
    return broadcast_binary<T>(node, a, b, [&](T x, T y) -> T {
      if constexpr (kOp == Arithmetic::kAdd) return static_cast<T>(x + y);
      if constexpr (kOp == Arithmetic::kSub) return static_cast<T>(x - y);
      if constexpr (kOp == Arithmetic::kMul) return static_cast<T>(x * y);
      if constexpr (kOp == Arithmetic::kDiv) {
        if constexpr (std::is_integral_v<T>) {
          if (y == 0) throw Error(node.describe(), "divides an integer by zero");
        }
        return static_cast<T>(x / y);
      }
    });
  })};
}

std::vector<Tensor> sum(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  Tensor out = input_at(node, in, 0);
  for (std::size_t i = 1; i < in.size(); ++i) {
    const Tensor& next = input_at(node, in, i);
    out = with_type(out.type, [&](auto zero) {
      using T = decltype(zero);
      return broadcast_binary<T>(node, out, next, [](T x, T y) { return static_cast<T>(x + y); });
    });
  }
  return {out};
}

// y = f(x) on a floating-point tensor.
template <class F>
Tensor unary_float(const Node& node, const Tensor& x, F f) {
  if (x.type != DataType::kFloat32 && x.type != DataType::kFloat64) {
    throw Error(node.describe(), fmt::format("takes float tensors, not {}", to_string(x.type)));
  }
  Tensor out = x;
  with_type(x.type, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T>) {
      for (T& v : out.data<T>()) v = static_cast<T>(f(static_cast<double>(v)));
    }
    return 0;
  });
  return out;
}

std::vector<Tensor> relu(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  return {unary_float(node, input_at(node, in, 0), [](double v) { return v > 0 ? v : 0.0; })};
}

std::vector<Tensor> leaky_relu(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const double alpha = node.attribute<float>("alpha", 0.01f);
  return {
      unary_float(node, input_at(node, in, 0), [&](double v) { return v >= 0 ? v : alpha * v; })};
}

std::vector<Tensor> sigmoid(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  return {unary_float(node, input_at(node, in, 0),
                      [](double v) { return 1.0 / (1.0 + std::exp(-v)); })};
}

std::vector<Tensor> tanh_op(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  return {unary_float(node, input_at(node, in, 0), [](double v) { return std::tanh(v); })};
}

// Clip: bounds from attributes before opset 11, from optional scalar inputs since.
std::vector<Tensor> clip(const Node& node, std::span<const Tensor* const> in, std::int64_t opset) {
  const Tensor& x = input_at(node, in, 0);
  double lo = -std::numeric_limits<double>::infinity(),
         hi = std::numeric_limits<double>::infinity();
  if (opset < 11) {
    lo = node.attribute<float>("min", -std::numeric_limits<float>::max());
    hi = node.attribute<float>("max", std::numeric_limits<float>::max());
  } else {
    const auto scalar = [&](const Tensor* t, double fallback) {
      if (t == nullptr) return fallback;
      if (t->size() != 1) throw Error(node.describe(), "takes scalar min and max");
      return with_type(
          t->type, [&](auto zero) { return static_cast<double>(t->data<decltype(zero)>()[0]); });
    };
    lo = scalar(optional_input(in, 1), lo);
    hi = scalar(optional_input(in, 2), hi);
  }
  if (x.type == DataType::kFloat32 || x.type == DataType::kFloat64) {
    return {unary_float(
        node, x, [&](double v) { return std::isnan(v) ? v : std::min(std::max(v, lo), hi); })};
  }
  Tensor out = x;
  with_type(x.type, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (!std::is_same_v<T, bool>) {
      for (T& v : out.data<T>())
        v = static_cast<T>(std::min(std::max(static_cast<double>(v), lo), hi));
    }
    return 0;
  });
  return {out};
}

std::vector<Tensor> identity(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  return {input_at(node, in, 0)};
}

// Dropout at inference passes its input through; its optional mask output is all true.
std::vector<Tensor> dropout(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& x = input_at(node, in, 0);
  const Tensor* training = optional_input(in, 2);
  if (training != nullptr && training->type == DataType::kBool && training->data<bool>()[0]) {
    throw Unsupported(node.describe(), "runs in training mode: only inference is supported");
  }
  Tensor mask(DataType::kBool, x.shape);
  std::fill(mask.bytes.begin(), mask.bytes.end(), std::byte{1});
  return {x, mask};
}

constexpr ReferenceOpEntry kOps[] = {
    {"Add", &arithmetic<Arithmetic::kAdd>},
    {"Sub", &arithmetic<Arithmetic::kSub>},
    {"Mul", &arithmetic<Arithmetic::kMul>},
    {"Div", &arithmetic<Arithmetic::kDiv>},
    {"Sum", &sum},
    {"Relu", &relu},
    {"LeakyRelu", &leaky_relu},
    {"Sigmoid", &sigmoid},
    {"Tanh", &tanh_op},
    {"Clip", &clip},
    {"Identity", &identity},
    {"Dropout", &dropout},
};

}  // namespace

std::span<const ReferenceOpEntry> elementwise_ops() { return kOps; }

}  // namespace tessera::infer
