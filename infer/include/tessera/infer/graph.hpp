// The static-shape graph IR that an imported ONNX model becomes: nodes in topological order over
// named values, with the model's initializers held as constants (an IR-3 model also lists them
// among its inputs; they are constants here, not inputs).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/infer/tensor.hpp"

namespace tessera::infer {

/// What a model asks for and this library does not support (an operator, an opset, an element
/// type, a feature of an operator): a tessera::Error that conformance runs count apart from
/// failures.
class Unsupported : public Error {
 public:
  using Error::Error;
};

/// A node attribute: ONNX's INT, FLOAT, STRING, INTS, FLOATS and TENSOR kinds.
using Attribute = std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>,
                               std::vector<float>, Tensor>;

struct Node {
  std::string name;     // the ONNX node's name, or "<op_type>#<index>" where it has none
  std::string op_type;  // "Conv", "Relu", ...
  std::vector<std::string> inputs;   // value names; "" for an omitted optional input
  std::vector<std::string> outputs;  // value names; "" for an omitted optional output
  std::map<std::string, Attribute, std::less<>> attributes;

  /// The attribute `key` as T, or `fallback` when absent; tessera::Error naming the node when
  /// it holds another kind.
  template <class T>
  T attribute(std::string_view key, T fallback) const;
  /// The attribute `key` as T; tessera::Error naming the node when absent or of another kind.
  template <class T>
  T required_attribute(std::string_view key) const;
  bool has_attribute(std::string_view key) const { return attributes.count(key) != 0; }
  /// "node 'conv1' (Conv)", for error messages.
  std::string describe() const;
};

/// A graph input or output: its name, element type and static shape.
struct ValueInfo {
  std::string name;
  DataType type = DataType::kFloat32;
  std::vector<std::int64_t> shape;
};

struct Graph {
  std::string name;
  std::int64_t opset = 0;         // of the default ("" or "ai.onnx") domain
  std::vector<ValueInfo> inputs;  // runtime inputs only (initializers excluded)
  std::vector<ValueInfo> outputs;
  std::map<std::string, Tensor, std::less<>> constants;  // initializers by name
  std::vector<Node> nodes;                               // topological order

  /// The runtime input named `value`, if there is one.
  std::optional<ValueInfo> input(std::string_view value) const;
};

}  // namespace tessera::infer
