// The reference operators: plain C++ kernels, one function per ONNX operator, that define what
// every optimized kernel is checked against. Each takes its node, its inputs (nullptr for an
// omitted optional input) and the graph's opset, and returns its outputs in order.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/infer/graph.hpp"
#include "tessera/infer/tensor.hpp"

namespace tessera::infer {

using ReferenceOp = std::vector<Tensor> (*)(const Node& node, std::span<const Tensor* const> inputs,
                                            std::int64_t opset);

struct ReferenceOpEntry {
  std::string_view op_type;
  ReferenceOp run;
};

/// The operators of each file (reference_*.cpp).
std::span<const ReferenceOpEntry> elementwise_ops();
std::span<const ReferenceOpEntry> linear_ops();
std::span<const ReferenceOpEntry> shape_ops();
std::span<const ReferenceOpEntry> conv_ops();

/// The reference kernel of `op_type`, or nullptr.
ReferenceOp find_reference_op(std::string_view op_type);
inline bool has_reference_op(std::string_view op_type) {
  return find_reference_op(op_type) != nullptr;
}

/// Input `i` of `node`; tessera::Error naming the node when it is absent.
const Tensor& input_at(const Node& node, std::span<const Tensor* const> inputs, std::size_t i);
/// Input `i` if present, else nullptr.
inline const Tensor* optional_input(std::span<const Tensor* const> inputs, std::size_t i) {
  return i < inputs.size() ? inputs[i] : nullptr;
}

/// Calls f(T{}) with T the C++ type of `type` (float, double, int64, int32, int8, uint8, bool).
template <class F>
decltype(auto) with_type(DataType type, F&& f) {
  switch (type) {
    case DataType::kFloat32:
      return f(float{});
    case DataType::kFloat64:
      return f(double{});
    case DataType::kInt64:
      return f(std::int64_t{});
    case DataType::kInt32:
      return f(std::int32_t{});
    case DataType::kInt8:
      return f(std::int8_t{});
    case DataType::kUint8:
      return f(std::uint8_t{});
    case DataType::kBool:
      return f(bool{});
  }
  return f(float{});
}

/// tessera::Error naming the node unless `t` holds float32 elements.
void require_float32(const Node& node, const Tensor& t);

/// Steps the multi-index `index` to the next position of `extent` in row-major order (the last
/// dimension fastest), wrapping to all zeros after the last position. Only the first
/// extent.size() entries of `index` take part.
inline void next_index(std::span<std::int64_t> index, std::span<const std::int64_t> extent) {
  for (std::size_t d = extent.size(); d-- > 0;) {
    if (++index[d] < extent[d]) return;
    index[d] = 0;
  }
}

/// Row-major strides of `shape`.
std::vector<std::int64_t> strides_of(std::span<const std::int64_t> shape);
/// An axis in [-rank, rank) made non-negative; tessera::Error naming the node when out of range.
std::int64_t normalized_axis(const Node& node, std::int64_t axis, std::size_t rank);

}  // namespace tessera::infer
