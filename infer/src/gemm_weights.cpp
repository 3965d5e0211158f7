// Gemm and MatMul weights out of and into a graph's initializers, in tilewise's (K, N) orientation.
#include "tessera/infer/gemm_weights.hpp"

#include <fmt/format.h>

#include <optional>

#include "tessera/core/error.hpp"

namespace tessera::infer {
namespace {

// Whether the readers of initializer `name` as B store it transposed (Gemm's transB);
// tessera::Error where it is missing, not a float32 matrix, read as B by none, or by readers that
// disagree.
bool stored_transposed(const Graph& graph, const std::string& name) {
  const std::string what = "initializer '" + name + "'";
  const auto it = graph.constants.find(name);
  if (it == graph.constants.end()) throw Error(what, "is not in the model");
  if (it->second.type != DataType::kFloat32 || it->second.rank() != 2)
    throw Error(what, "is not a float32 matrix");
  std::optional<bool> transposed;
  for (const Node& node : graph.nodes) {
    if ((node.op_type != "Gemm" && node.op_type != "MatMul") || node.inputs.size() < 2 ||
        node.inputs[1] != name)
      continue;
    const bool t = node.op_type == "Gemm" && node.attribute<std::int64_t>("transB", 0) != 0;
    if (transposed && *transposed != t)
      throw Error(what, "is read as B both with and without transB");
    transposed = t;
  }
  if (!transposed) throw Error(what, "is the weights (input B) of no Gemm or MatMul");
  return *transposed;
}

// `t` (r, c) transposed to (c, r).
Tensor transposed(const Tensor& t) {
  const std::int64_t r = t.shape[0], c = t.shape[1];
  Tensor out(DataType::kFloat32, {c, r});
  const auto from = t.data<float>();
  auto to = out.data<float>();
  for (std::int64_t i = 0; i < r; ++i)
    for (std::int64_t j = 0; j < c; ++j)
      to[static_cast<std::size_t>(j * r + i)] = from[static_cast<std::size_t>(i * c + j)];
  return out;
}

}  // namespace

Tensor gemm_weights(const Graph& graph, const std::string& name) {
  const bool t = stored_transposed(graph, name);
  const Tensor& b = graph.constants.at(name);
  return t ? transposed(b) : b;
}

void set_gemm_weights(Graph& graph, const std::string& name, const Tensor& w,
                      const std::string& source) {
  const Tensor want = gemm_weights(graph, name);
  if (w.type != DataType::kFloat32 || w.shape != want.shape)
    throw Error(source, fmt::format("holds {} {}, but '{}' is W {}x{} (K x N)", to_string(w.type),
                                    shape_string(w.shape), name, want.shape[0], want.shape[1]));
  graph.constants.insert_or_assign(name, stored_transposed(graph, name) ? transposed(w) : w);
}

}  // namespace tessera::infer
