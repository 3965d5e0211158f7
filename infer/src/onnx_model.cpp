// ONNX protobuf messages (Debian's libonnx_proto) to and from the graph IR. Initializers become
// constants whether or not the graph also lists them as inputs (IR version 3 does).
#include "tessera/infer/onnx_model.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <cstring>
#include <set>

#include "reference_ops.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/npy.hpp"

namespace tessera::infer {
namespace {

// The field's values into `t` (from_proto has checked that they fill its shape).
template <class Field>
void copy_field(const Field& field, Tensor& t) {
  using T = typename Field::value_type;
  std::size_t i = 0;
  const std::size_t size = element_size(t.type);
  for (const T value : field) {
    // Typed fields widen small types: int32_data holds int8, uint8 and bool, int64_data int64.
    switch (t.type) {
      case DataType::kFloat32: {
        const float f = static_cast<float>(value);
        std::memcpy(&t.bytes[i * size], &f, 4);
        break;
      }
      case DataType::kFloat64: {
        const double d = static_cast<double>(value);
        std::memcpy(&t.bytes[i * size], &d, 8);
        break;
      }
      case DataType::kInt64: {
        const std::int64_t v = static_cast<std::int64_t>(value);
        std::memcpy(&t.bytes[i * size], &v, 8);
        break;
      }
      case DataType::kInt32: {
        const std::int32_t v = static_cast<std::int32_t>(value);
        std::memcpy(&t.bytes[i * size], &v, 4);
        break;
      }
      case DataType::kInt8: {
        const std::int8_t v = static_cast<std::int8_t>(value);
        std::memcpy(&t.bytes[i * size], &v, 1);
        break;
      }
      case DataType::kUint8: {
        const std::uint8_t v = static_cast<std::uint8_t>(value);
        std::memcpy(&t.bytes[i * size], &v, 1);
        break;
      }
      case DataType::kBool: {
        const bool v = value != 0;
        std::memcpy(&t.bytes[i * size], &v, 1);
        break;
      }
    }
    ++i;
  }
}

Tensor from_proto(const onnx::TensorProto& p, std::string_view what) {
  if (!is_supported_type(p.data_type())) {
    throw Unsupported(
        what,
        fmt::format("element type {} (ONNX TensorProto.DataType) is not supported", p.data_type()));
  }
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    throw Unsupported(what, "its data is stored outside the file (external data is not supported)");
  }
  const auto type = static_cast<DataType>(p.data_type());
  const std::vector<std::int64_t> dims(p.dims().begin(), p.dims().end());
  // The stored values must fill the shape before anything that size is allocated.
  const std::size_t count = element_count(dims, what);
  const std::size_t stored =
      p.has_raw_data()             ? p.raw_data().size() / element_size(type)
      : type == DataType::kFloat32 ? static_cast<std::size_t>(p.float_data_size())
      : type == DataType::kFloat64 ? static_cast<std::size_t>(p.double_data_size())
      : type == DataType::kInt64   ? static_cast<std::size_t>(p.int64_data_size())
                                   : static_cast<std::size_t>(p.int32_data_size());
  if (stored != count || (p.has_raw_data() && p.raw_data().size() % element_size(type) != 0)) {
    throw Error(what,
                fmt::format("holds {} bytes of {} data for shape {}",
                            p.has_raw_data() ? p.raw_data().size() : stored * element_size(type),
                            to_string(type), shape_string(dims)));
  }
  Tensor t(type, dims);
  if (p.has_raw_data()) {
    if (!t.bytes.empty()) std::memcpy(t.bytes.data(), p.raw_data().data(), t.bytes.size());
    return t;
  }
  switch (t.type) {
    case DataType::kFloat32:
      copy_field(p.float_data(), t);
      break;
    case DataType::kFloat64:
      copy_field(p.double_data(), t);
      break;
    case DataType::kInt64:
      copy_field(p.int64_data(), t);
      break;
    default:
      copy_field(p.int32_data(), t);
      break;
  }
  return t;
}

Attribute from_proto(const onnx::AttributeProto& a, const std::string& node) {
  const std::string what = fmt::format("{}: attribute '{}'", node, a.name());
  switch (a.type()) {
    case onnx::AttributeProto::INT:
      return a.i();
    case onnx::AttributeProto::FLOAT:
      return a.f();
    case onnx::AttributeProto::STRING:
      return a.s();
    case onnx::AttributeProto::INTS:
      return std::vector<std::int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS:
      return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::TENSOR:
      return from_proto(a.t(), what);
    default:
      throw Unsupported(
          what, fmt::format("attribute kind {} is not supported", static_cast<int>(a.type())));
  }
}

ValueInfo from_proto(const onnx::ValueInfoProto& v, std::string_view source) {
  const std::string what = fmt::format("{}: value '{}'", source, v.name());
  if (!v.type().has_tensor_type()) throw Unsupported(what, "is not a tensor");
  const auto& tt = v.type().tensor_type();
  if (!is_supported_type(tt.elem_type())) {
    throw Unsupported(what,
                      fmt::format("element type {} (ONNX TensorProto.DataType) is not supported",
                                  tt.elem_type()));
  }
  ValueInfo info{v.name(), static_cast<DataType>(tt.elem_type()), {}};
  for (const auto& d : tt.shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) {
      throw Unsupported(
          what, fmt::format("has a dimension without a static size ('{}'): shapes must be static",
                            d.dim_param()));
    }
    info.shape.push_back(d.dim_value());
  }
  return info;
}

std::int64_t default_opset(const onnx::ModelProto& model, std::string_view source) {
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  }
  throw Unsupported(source, "imports no opset of the default ONNX domain (only other domains)");
}

}  // namespace

Graph parse_onnx(std::span<const std::byte> bytes, std::string_view source) {
  onnx::ModelProto model;
  if (bytes.size() > INT_MAX ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw Error(source, "is not an ONNX model (malformed or truncated protobuf)");
  }
  if (!model.has_graph()) throw Error(source, "is not an ONNX model (it holds no graph)");
  Graph g;
  g.name = model.graph().name();
  g.opset = default_opset(model, source);
  if (g.opset < kMinOpset || g.opset > kMaxOpset) {
    throw Unsupported(source, fmt::format("uses opset {}; opsets {} to {} are supported", g.opset,
                                          kMinOpset, kMaxOpset));
  }
  const onnx::GraphProto& graph = model.graph();
  for (const auto& init : graph.initializer()) {
    g.constants[init.name()] =
        from_proto(init, fmt::format("{}: initializer '{}'", source, init.name()));
  }
  std::set<std::string, std::less<>> known;
  for (const auto& [name, t] : g.constants) known.insert(name);
  for (const auto& in : graph.input()) {
    if (g.constants.count(in.name())) continue;
    g.inputs.push_back(from_proto(in, source));
    known.insert(in.name());
  }
  for (int n = 0; n < graph.node_size(); ++n) {
    const onnx::NodeProto& p = graph.node(n);
    Node node;
    node.op_type = p.op_type();
    node.name = p.name().empty() ? fmt::format("{}#{}", p.op_type(), n) : p.name();
    const bool ours = p.domain() == kTesseraDomain;
    if (!p.domain().empty() && p.domain() != "ai.onnx" && !ours) {
      throw Unsupported(source,
                        fmt::format("{} is in domain '{}': only the default ONNX domain and {} "
                                    "are supported",
                                    node.describe(), p.domain(), kTesseraDomain));
    }
    if (ours != is_tessera_op(node.op_type)) {
      throw Unsupported(source, fmt::format("operator {} of node '{}' is not in domain '{}'",
                                            node.op_type, node.name, p.domain()));
    }
    if (!has_reference_op(node.op_type)) {
      throw Unsupported(source, fmt::format("operator {} of node '{}' (opset {}) is not supported",
                                            node.op_type, node.name, g.opset));
    }
    node.inputs.assign(p.input().begin(), p.input().end());
    node.outputs.assign(p.output().begin(), p.output().end());
    for (const std::string& in : node.inputs) {
      if (!in.empty() && !known.count(in)) {
        throw Error(source,
                    fmt::format("{} reads '{}' before anything produces it", node.describe(), in));
      }
    }
    for (const auto& a : p.attribute()) node.attributes[a.name()] = from_proto(a, node.describe());
    for (const std::string& out : node.outputs) known.insert(out);
    g.nodes.push_back(std::move(node));
  }
  for (const auto& out : graph.output()) {
    if (!known.count(out.name())) {
      throw Error(source, fmt::format("output '{}' is produced by no node", out.name()));
    }
    ValueInfo info{out.name(), DataType::kFloat32, {}};
    if (out.type().has_tensor_type() && is_supported_type(out.type().tensor_type().elem_type())) {
      info.type = static_cast<DataType>(out.type().tensor_type().elem_type());
    }
    g.outputs.push_back(std::move(info));
  }
  return g;
}

namespace {

void to_proto(const Tensor& t, const std::string& name, onnx::TensorProto& p) {
  p.set_name(name);
  p.set_data_type(static_cast<std::int32_t>(t.type));
  for (const std::int64_t d : t.shape) p.add_dims(d);
  p.set_raw_data(reinterpret_cast<const char*>(t.bytes.data()), t.bytes.size());
}

void to_proto(const std::string& name, const Attribute& a, onnx::AttributeProto& p) {
  p.set_name(name);
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::int64_t>) {
          p.set_type(onnx::AttributeProto::INT);
          p.set_i(v);
        } else if constexpr (std::is_same_v<V, float>) {
          p.set_type(onnx::AttributeProto::FLOAT);
          p.set_f(v);
        } else if constexpr (std::is_same_v<V, std::string>) {
          p.set_type(onnx::AttributeProto::STRING);
          p.set_s(v);
        } else if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) {
          p.set_type(onnx::AttributeProto::INTS);
          for (const std::int64_t x : v) p.add_ints(x);
        } else if constexpr (std::is_same_v<V, std::vector<float>>) {
          p.set_type(onnx::AttributeProto::FLOATS);
          for (const float x : v) p.add_floats(x);
        } else {
          p.set_type(onnx::AttributeProto::TENSOR);
          to_proto(v, name, *p.mutable_t());
        }
      },
      a);
}

void to_proto(const ValueInfo& v, bool with_shape, onnx::ValueInfoProto& p) {
  p.set_name(v.name);
  auto* tensor = p.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(static_cast<std::int32_t>(v.type));
  if (!with_shape) return;
  auto* shape = tensor->mutable_shape();
  for (const std::int64_t d : v.shape) shape->add_dim()->set_dim_value(d);
}

}  // namespace

std::vector<std::byte> encode_onnx(const Graph& graph) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("tessera");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(graph.opset);
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name(graph.name);
  bool uses_ours = false;
  for (const Node& n : graph.nodes) {
    onnx::NodeProto* p = g->add_node();
    p->set_name(n.name);
    p->set_op_type(n.op_type);
    if (is_tessera_op(n.op_type)) {
      p->set_domain(std::string(kTesseraDomain));
      uses_ours = true;
    }
    for (const std::string& in : n.inputs) p->add_input(in);
    for (const std::string& out : n.outputs) p->add_output(out);
    for (const auto& [key, value] : n.attributes) to_proto(key, value, *p->add_attribute());
  }
  if (uses_ours) {
    auto* tessera = model.add_opset_import();
    tessera->set_domain(std::string(kTesseraDomain));
    tessera->set_version(1);
  }
  for (const auto& [name, t] : graph.constants) to_proto(t, name, *g->add_initializer());
  for (const ValueInfo& v : graph.inputs) to_proto(v, true, *g->add_input());
  for (const ValueInfo& v : graph.outputs) to_proto(v, false, *g->add_output());
  const std::string out = model.SerializeAsString();
  std::vector<std::byte> bytes(out.size());
  if (!out.empty()) std::memcpy(bytes.data(), out.data(), out.size());
  return bytes;
}

Graph read_onnx(const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = read_file(path);
  return parse_onnx(bytes, path.string());
}

Tensor parse_tensor_pb(std::span<const std::byte> bytes, std::string_view source) {
  onnx::TensorProto p;
  if (bytes.size() > INT_MAX || !p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw Error(source, "is not an ONNX tensor (malformed or truncated protobuf)");
  }
  return from_proto(p, source);
}

Tensor read_tensor_pb(const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = read_file(path);
  return parse_tensor_pb(bytes, path.string());
}

std::vector<std::byte> encode_tensor_pb(const Tensor& tensor, const std::string& name) {
  onnx::TensorProto p;
  to_proto(tensor, name, p);
  const std::string out = p.SerializeAsString();
  std::vector<std::byte> bytes(out.size());
  if (!out.empty()) std::memcpy(bytes.data(), out.data(), out.size());
  return bytes;
}

Tensor read_tensor_file(const std::filesystem::path& path) {
  if (path.extension() != ".npy") return read_tensor_pb(path);
  const NpyArray a = read_npy(path);
  Tensor t(DataType::kFloat32, {a.shape.begin(), a.shape.end()});
  if (!t.bytes.empty()) std::memcpy(t.bytes.data(), a.values.data(), t.bytes.size());
  return t;
}

std::vector<std::byte> encode_tensor_file(const Tensor& tensor, const std::string& name,
                                          const std::filesystem::path& path) {
  if (path.extension() != ".npy") return encode_tensor_pb(tensor, name);
  if (tensor.type != DataType::kFloat32) {
    throw Error(path.string(),
                fmt::format("'{}' is {}: .npy files hold float32 here (write .pb instead)", name,
                            to_string(tensor.type)));
  }
  const std::vector<std::size_t> shape(tensor.shape.begin(), tensor.shape.end());
  return encode_npy(shape, tensor.data<float>());
}

}  // namespace tessera::infer
