// The reference runtime: a table of the reference operators and an interpreter that runs a
// graph's nodes in order over a map of named values.
#include "tessera/infer/reference.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reference_ops.hpp"
#include "tessera/core/error.hpp"

namespace tessera::infer {

ReferenceOp find_reference_op(std::string_view op_type) {
  for (const auto ops : {elementwise_ops(), linear_ops(), shape_ops(), conv_ops()}) {
    for (const ReferenceOpEntry& e : ops) {
      if (e.op_type == op_type) return e.run;
    }
  }
  return nullptr;
}

std::vector<std::string> reference_operators() {
  std::vector<std::string> names;
  for (const auto ops : {elementwise_ops(), linear_ops(), shape_ops(), conv_ops()}) {
    for (const ReferenceOpEntry& e : ops) names.emplace_back(e.op_type);
  }
  std::sort(names.begin(), names.end());
  return names;
}

const Tensor& input_at(const Node& node, std::span<const Tensor* const> inputs, std::size_t i) {
  if (i >= inputs.size() || inputs[i] == nullptr) {
    throw Error(node.describe(), fmt::format("needs input {}", i + 1));
  }
  return *inputs[i];
}

void require_float32(const Node& node, const Tensor& t) {
  if (t.type != DataType::kFloat32) {
    throw Error(node.describe(), fmt::format("takes float32 tensors, not {}", to_string(t.type)));
  }
}

std::vector<std::int64_t> strides_of(std::span<const std::int64_t> shape) {
  std::vector<std::int64_t> s(shape.size(), 1);
  for (std::size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
  return s;
}

std::int64_t normalized_axis(const Node& node, std::int64_t axis, std::size_t rank) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) {
    throw Error(node.describe(), fmt::format("axis {} is outside a rank-{} tensor", axis, rank));
  }
  return axis < 0 ? axis + r : axis;
}

TensorMap run_reference(const Graph& graph, const TensorMap& inputs) {
  TensorMap values;
  for (const auto& [name, t] : graph.constants) values.emplace(name, t);
  for (const ValueInfo& in : graph.inputs) {
    const auto it = inputs.find(in.name);
    if (it == inputs.end())
      throw Error(graph.name, fmt::format("input '{}' is not given", in.name));
    if (it->second.type != in.type || it->second.shape != in.shape) {
      throw Error(graph.name,
                  fmt::format("input '{}' is {} {} where the model takes {} {}", in.name,
                              to_string(it->second.type), shape_string(it->second.shape),
                              to_string(in.type), shape_string(in.shape)));
    }
    values.insert_or_assign(in.name, it->second);
  }
  std::vector<const Tensor*> args;
  for (const Node& node : graph.nodes) {
    const ReferenceOp op = find_reference_op(node.op_type);
    if (op == nullptr) throw Error(node.describe(), "has no reference kernel");
    args.clear();
    for (const std::string& name : node.inputs) {
      if (name.empty()) {
        args.push_back(nullptr);
        continue;
      }
      const auto it = values.find(name);
      if (it == values.end())
        throw Error(node.describe(), fmt::format("reads '{}', which nothing produced", name));
      args.push_back(&it->second);
    }
    std::vector<Tensor> results = op(node, args, graph.opset);
    for (std::size_t i = 0; i < node.outputs.size(); ++i) {
      if (node.outputs[i].empty()) continue;
      if (i >= results.size()) throw Error(node.describe(), fmt::format("has no output {}", i + 1));
      values.insert_or_assign(node.outputs[i], std::move(results[i]));
    }
  }
  TensorMap out;
  for (const ValueInfo& o : graph.outputs) out.emplace(o.name, values.at(o.name));
  return out;
}

}  // namespace tessera::infer
