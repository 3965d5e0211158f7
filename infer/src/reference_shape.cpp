// Reference operators that move or describe data without arithmetic: Flatten, Reshape, Transpose,
// Concat, Squeeze, Unsqueeze, Shape, Gather, Constant, ConstantOfShape, Pad. They take any element
// type; axes and shapes that changed from attributes to inputs (Squeeze, Unsqueeze at opset 13)
// are read from where the graph's opset puts them.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "reference_ops.hpp"
#include "tessera/core/error.hpp"

namespace tessera::infer {
namespace {

Tensor with_shape(const Tensor& t, std::vector<std::int64_t> shape) {
  Tensor out = t;
  out.shape = std::move(shape);
  return out;
}

std::vector<Tensor> flatten(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& x = input_at(node, in, 0);
  const std::int64_t rank = static_cast<std::int64_t>(x.rank());
  std::int64_t axis = node.attribute<std::int64_t>("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank)
    throw Error(node.describe(), fmt::format("axis {} is outside a rank-{} tensor", axis, rank));
  std::int64_t outer = 1;
  for (std::int64_t d = 0; d < axis; ++d) outer *= x.shape[static_cast<std::size_t>(d)];
  const std::int64_t inner = static_cast<std::int64_t>(x.size()) / std::max<std::int64_t>(outer, 1);
  return {with_shape(x, {outer, outer == 0 ? 0 : inner})};
}

std::vector<Tensor> reshape(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& x = input_at(node, in, 0);
  std::vector<std::int64_t> shape = input_at(node, in, 1).as_int64();
  const bool allow_zero = node.attribute<std::int64_t>("allowzero", 0) != 0;
  std::int64_t known = 1;
  std::ptrdiff_t inferred = -1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allow_zero) {
      if (i >= x.rank()) throw Error(node.describe(), "copies a dimension the input does not have");
      shape[i] = x.shape[i];
    }
    if (shape[i] == -1) {
      if (inferred >= 0) throw Error(node.describe(), "infers more than one dimension (-1)");
      inferred = static_cast<std::ptrdiff_t>(i);
      continue;
    }
    if (shape[i] < 0) throw Error(node.describe(), fmt::format("asks for dimension {}", shape[i]));
    known *= shape[i];
  }
  const auto count = static_cast<std::int64_t>(x.size());
  if (inferred >= 0) {
    if (known == 0 || count % known != 0) {
      throw Error(node.describe(), fmt::format("cannot reshape {} to {}", shape_string(x.shape),
                                               shape_string(shape)));
    }
    shape[static_cast<std::size_t>(inferred)] = count / known;
  } else if (known != count) {
    throw Error(node.describe(),
                fmt::format("cannot reshape {} to {}", shape_string(x.shape), shape_string(shape)));
  }
  return {with_shape(x, shape)};
}

std::vector<Tensor> transpose(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& x = input_at(node, in, 0);
  const std::size_t rank = x.rank();
  std::vector<std::int64_t> perm(rank);
  for (std::size_t i = 0; i < rank; ++i) perm[i] = static_cast<std::int64_t>(rank - 1 - i);
  perm = node.attribute<std::vector<std::int64_t>>("perm", perm);
  std::vector<std::int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted.size() != rank || sorted[i] != static_cast<std::int64_t>(i)) {
      throw Error(node.describe(),
                  fmt::format("perm {} is not a permutation of {} axes", shape_string(perm), rank));
    }
  }
  std::vector<std::int64_t> shape(rank);
  for (std::size_t i = 0; i < rank; ++i) shape[i] = x.shape[static_cast<std::size_t>(perm[i])];
  Tensor out(x.type, shape);
  const std::vector<std::int64_t> in_strides = strides_of(x.shape);
  const std::size_t size = element_size(x.type);
  std::vector<std::int64_t> index(rank, 0);
  for (std::size_t o = 0; o < out.size(); ++o) {
    std::int64_t from = 0;
    for (std::size_t d = 0; d < rank; ++d)
      from += index[d] * in_strides[static_cast<std::size_t>(perm[d])];
    std::memcpy(&out.bytes[o * size], &x.bytes[static_cast<std::size_t>(from) * size], size);
    next_index(index, shape);
  }
  return {out};
}

std::vector<Tensor> concat(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& first = input_at(node, in, 0);
  const std::int64_t axis =
      normalized_axis(node, node.required_attribute<std::int64_t>("axis"), first.rank());
  const auto a = static_cast<std::size_t>(axis);
  std::vector<std::int64_t> shape = first.shape;
  shape[a] = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Tensor& t = input_at(node, in, i);
    bool fits = t.type == first.type && t.rank() == first.rank();
    for (std::size_t d = 0; fits && d < t.rank(); ++d)
      fits = d == a || t.shape[d] == first.shape[d];
    if (!fits) {
      throw Error(node.describe(), fmt::format("joins {} {} with {} {} along axis {}",
                                               to_string(first.type), shape_string(first.shape),
                                               to_string(t.type), shape_string(t.shape), axis));
    }
    shape[a] += t.shape[a];
  }
  Tensor out(first.type, shape);
  std::size_t outer = 1;
  for (std::size_t d = 0; d < a; ++d) outer *= static_cast<std::size_t>(shape[d]);
  std::size_t at = 0;
  for (std::size_t o = 0; o < outer; ++o) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      const Tensor& t = *in[i];
      const std::size_t chunk = outer == 0 ? 0 : t.bytes.size() / outer;
      if (chunk > 0) std::memcpy(&out.bytes[at], &t.bytes[o * chunk], chunk);
      at += chunk;
    }
  }
  return {out};
}

// Axes of Squeeze or Unsqueeze: the attribute before opset 13, the optional input since.
std::vector<std::int64_t> axes_of(const Node& node, std::span<const Tensor* const> in,
                                  std::int64_t opset) {
  if (opset < 13) return node.attribute<std::vector<std::int64_t>>("axes", {});
  const Tensor* axes = optional_input(in, 1);
  return axes == nullptr ? std::vector<std::int64_t>{} : axes->as_int64();
}

std::vector<Tensor> squeeze(const Node& node, std::span<const Tensor* const> in,
                            std::int64_t opset) {
  const Tensor& x = input_at(node, in, 0);
  std::vector<std::int64_t> axes = axes_of(node, in, opset);
  std::vector<bool> drop(x.rank(), false);
  if (axes.empty()) {
    for (std::size_t d = 0; d < x.rank(); ++d) drop[d] = x.shape[d] == 1;
  }
  for (const std::int64_t axis : axes) {
    const auto d = static_cast<std::size_t>(normalized_axis(node, axis, x.rank()));
    if (x.shape[d] != 1)
      throw Error(node.describe(), fmt::format("squeezes axis {} of size {}", axis, x.shape[d]));
    drop[d] = true;
  }
  std::vector<std::int64_t> shape;
  for (std::size_t d = 0; d < x.rank(); ++d) {
    if (!drop[d]) shape.push_back(x.shape[d]);
  }
  return {with_shape(x, shape)};
}

std::vector<Tensor> unsqueeze(const Node& node, std::span<const Tensor* const> in,
                              std::int64_t opset) {
  const Tensor& x = input_at(node, in, 0);
  const std::vector<std::int64_t> axes = axes_of(node, in, opset);
  const std::size_t rank = x.rank() + axes.size();
  std::vector<bool> added(rank, false);
  for (const std::int64_t axis : axes) {
    const auto d = static_cast<std::size_t>(normalized_axis(node, axis, rank));
    if (added[d]) throw Error(node.describe(), fmt::format("adds axis {} twice", axis));
    added[d] = true;
  }
  std::vector<std::int64_t> shape;
  std::size_t from = 0;
  for (std::size_t d = 0; d < rank; ++d) shape.push_back(added[d] ? 1 : x.shape[from++]);
  return {with_shape(x, shape)};
}

// Shape, with opset 15's start and end (clamped to the rank, negative counting from the end).
std::vector<Tensor> shape_op(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& x = input_at(node, in, 0);
  const auto rank = static_cast<std::int64_t>(x.rank());
  const auto clamp = [&](std::int64_t v) {
    return std::clamp(v < 0 ? v + rank : v, std::int64_t{0}, rank);
  };
  const std::int64_t start = clamp(node.attribute<std::int64_t>("start", 0));
  const std::int64_t end = clamp(node.attribute<std::int64_t>("end", rank));
  std::vector<std::int64_t> dims;
  for (std::int64_t d = start; d < end; ++d) dims.push_back(x.shape[static_cast<std::size_t>(d)]);
  const auto n = static_cast<std::int64_t>(dims.size());
  return {make_int64({n}, dims)};
}

std::vector<Tensor> gather(const Node& node, std::span<const Tensor* const> in, std::int64_t) {
  const Tensor& data = input_at(node, in, 0);
  const Tensor& indices = input_at(node, in, 1);
  const std::int64_t axis =
      normalized_axis(node, node.attribute<std::int64_t>("axis", 0), data.rank());
  const auto a = static_cast<std::size_t>(axis);
  std::vector<std::int64_t> shape(data.shape.begin(), data.shape.begin() + axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), data.shape.begin() + axis + 1, data.shape.end());
  Tensor out(data.type, shape);
  std::size_t outer = 1, inner = element_size(data.type);
  for (std::size_t d = 0; d < a; ++d) outer *= static_cast<std::size_t>(data.shape[d]);
  for (std::size_t d = a + 1; d < data.rank(); ++d)
    inner *= static_cast<std::size_t>(data.shape[d]);
  const std::int64_t extent = data.shape[a];
  const std::vector<std::int64_t> picks = indices.as_int64();
  std::size_t at = 0;
  for (std::size_t o = 0; o < outer; ++o) {
    for (std::int64_t pick : picks) {
      if (pick < -extent || pick >= extent) {
        throw Error(node.describe(),
                    fmt::format("index {} is outside axis {} of size {}", pick, axis, extent));
      }
      if (pick < 0) pick += extent;
      if (inner == 0) continue;  // an empty trailing dimension: nothing to copy
      std::memcpy(
          &out.bytes[at],
          &data.bytes[(o * static_cast<std::size_t>(extent) + static_cast<std::size_t>(pick)) *
                      inner],
          inner);
      at += inner;
    }
  }
  return {out};
}

std::vector<Tensor> constant(const Node& node, std::span<const Tensor* const>, std::int64_t) {
  if (node.has_attribute("value")) return {node.required_attribute<Tensor>("value")};
  if (node.has_attribute("value_float"))
    return {make_float({}, {node.required_attribute<float>("value_float")})};
  if (node.has_attribute("value_int"))
    return {make_int64({}, {node.required_attribute<std::int64_t>("value_int")})};
  if (node.has_attribute("value_floats")) {
    auto v = node.required_attribute<std::vector<float>>("value_floats");
    const auto n = static_cast<std::int64_t>(v.size());
    return {make_float({n}, std::move(v))};
  }
  if (node.has_attribute("value_ints")) {
    auto v = node.required_attribute<std::vector<std::int64_t>>("value_ints");
    const auto n = static_cast<std::int64_t>(v.size());
    return {make_int64({n}, std::move(v))};
  }
  throw Error(node.describe(), "has no value attribute of a supported kind");
}

std::vector<Tensor> constant_of_shape(const Node& node, std::span<const Tensor* const> in,
                                      std::int64_t) {
  const std::vector<std::int64_t> shape = input_at(node, in, 0).as_int64();
  const Tensor value = node.attribute<Tensor>("value", make_float({1}, {0.0f}));
  if (value.size() != 1) throw Error(node.describe(), "takes a one-element value");
  Tensor out(value.type, shape);
  const std::size_t size = element_size(value.type);
  for (std::size_t i = 0; i < out.size(); ++i)
    std::memcpy(&out.bytes[i * size], value.bytes.data(), size);
  return {out};
}

// Pad: pads and the constant from attributes before opset 11, from inputs since; modes constant,
// edge and reflect; a negative pad crops.
std::vector<Tensor> pad(const Node& node, std::span<const Tensor* const> in, std::int64_t opset) {
  const Tensor& x = input_at(node, in, 0);
  const std::size_t rank = x.rank();
  std::vector<std::int64_t> pads;
  Tensor fill(x.type, {});
  if (opset < 11) {
    pads = node.required_attribute<std::vector<std::int64_t>>("pads");
    const double value = node.attribute<float>("value", 0.0f);
    with_type(x.type, [&](auto zero) {
      fill.data<decltype(zero)>()[0] = static_cast<decltype(zero)>(value);
      return 0;
    });
  } else {
    pads = input_at(node, in, 1).as_int64();
    if (const Tensor* value = optional_input(in, 2)) {
      if (value->type != x.type || value->size() != 1) {
        throw Error(node.describe(), "takes a constant_value of one element of the input's type");
      }
      fill.bytes = value->bytes;
    }
  }
  if (pads.size() != 2 * rank) {
    throw Error(node.describe(), fmt::format("has {} pads for a rank-{} input", pads.size(), rank));
  }
  const std::string mode = node.attribute<std::string>("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect") {
    throw Error(node.describe(),
                fmt::format("mode '{}' is not one of constant, edge, reflect", mode));
  }
  std::vector<std::int64_t> shape(rank);
  for (std::size_t d = 0; d < rank; ++d) {
    shape[d] = x.shape[d] + pads[d] + pads[d + rank];
    if (shape[d] < 0) throw Error(node.describe(), "crops more than the input holds");
    if (mode != "constant" && x.shape[d] == 0 && shape[d] > 0) {
      throw Error(node.describe(), fmt::format("pads an empty axis in mode '{}'", mode));
    }
  }
  Tensor out(x.type, shape);
  const std::vector<std::int64_t> strides = strides_of(x.shape);
  const std::size_t size = element_size(x.type);
  std::vector<std::int64_t> index(rank, 0);
  for (std::size_t o = 0; o < out.size(); ++o) {
    std::int64_t from = 0;
    bool inside = true;
    for (std::size_t d = 0; d < rank; ++d) {
      std::int64_t c = index[d] - pads[d];
      const std::int64_t n = x.shape[d];
      if (c < 0 || c >= n) {
        if (mode == "edge") {
          c = std::clamp<std::int64_t>(c, 0, n - 1);
        } else if (mode == "reflect") {
          const std::int64_t period = std::max<std::int64_t>(2 * (n - 1), 1);
          c = ((c % period) + period) % period;
          if (c >= n) c = period - c;
        } else {
          inside = false;
        }
      }
      from += c * strides[d];
    }
    const std::byte* source =
        inside ? &x.bytes[static_cast<std::size_t>(from) * size] : fill.bytes.data();
    std::memcpy(&out.bytes[o * size], source, size);
    next_index(index, shape);
  }
  return {out};
}

constexpr ReferenceOpEntry kOps[] = {
    {"Flatten", &flatten},
    {"Reshape", &reshape},
    {"Transpose", &transpose},
    {"Concat", &concat},
    {"Squeeze", &squeeze},
    {"Unsqueeze", &unsqueeze},
    {"Shape", &shape_op},
    {"Gather", &gather},
    {"Constant", &constant},
    {"ConstantOfShape", &constant_of_shape},
    {"Pad", &pad},
};

}  // namespace

std::span<const ReferenceOpEntry> shape_ops() { return kOps; }

}  // namespace tessera::infer
