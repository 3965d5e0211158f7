// ONNX files in and out: a model (.onnx) into the graph IR, and tensors (.pb, ONNX's
// TensorProto, the form of the ONNX test data's inputs and outputs) both ways.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/infer/graph.hpp"
#include "tessera/infer/tensor.hpp"

namespace tessera::infer {

/// Opsets of the default domain this importer accepts.
inline constexpr std::int64_t kMinOpset = 7;
inline constexpr std::int64_t kMaxOpset = 17;

/// The domain of the operators the graph passes make (FusedConv), version 1.
inline constexpr std::string_view kTesseraDomain = "ai.tessera";
/// Whether `op_type` is one of the operators of kTesseraDomain.
inline bool is_tessera_op(std::string_view op_type) { return op_type == "FusedConv"; }

/// The model in `path` as a graph. tessera::Error naming the file for a file that is not an ONNX
/// model (malformed or truncated) or a value used before it is produced; Unsupported for an
/// opset outside [kMinOpset, kMaxOpset], an operator of a domain other than ONNX's and
/// kTesseraDomain (or of the wrong one of the two), one without a reference kernel (naming the
/// operator, the node and the opset), a non-static or unsupported-type value, or an initializer
/// stored outside the file.
Graph read_onnx(const std::filesystem::path& path);
/// read_onnx on bytes in memory; errors name `source`.
Graph parse_onnx(std::span<const std::byte> bytes, std::string_view source);

/// `graph` as an ONNX model (IR version 8, the graph's opset of the default domain, and version 1
/// of kTesseraDomain where the graph uses its operators): constants as initializers, shapes of
/// the inputs; parse_onnx gives the same graph back.
std::vector<std::byte> encode_onnx(const Graph& graph);

/// The tensor in a TensorProto file; errors name the file.
Tensor read_tensor_pb(const std::filesystem::path& path);
/// read_tensor_pb on bytes in memory; errors name `source`.
Tensor parse_tensor_pb(std::span<const std::byte> bytes, std::string_view source);
/// `tensor` as a TensorProto named `name` (raw data, little-endian).
std::vector<std::byte> encode_tensor_pb(const Tensor& tensor, const std::string& name);

/// A tensor file by its extension: .npy (NumPy, float32) or else a TensorProto.
Tensor read_tensor_file(const std::filesystem::path& path);
/// `tensor` (named `name`) in the form `path`'s extension names: .npy (float32 only; an Error
/// naming the path for another element type) or else a TensorProto.
std::vector<std::byte> encode_tensor_file(const Tensor& tensor, const std::string& name,
                                          const std::filesystem::path& path);

}  // namespace tessera::infer
