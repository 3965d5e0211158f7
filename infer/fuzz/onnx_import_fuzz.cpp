// libFuzzer target: parse_onnx and parse_tensor_pb on arbitrary bytes must either throw
// tessera::Error or return a graph (and a tensor that encodes and parses back to itself).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tessera/core/error.hpp"
#include "tessera/infer/onnx_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const tessera::infer::Graph g = tessera::infer::parse_onnx(bytes, "fuzz.onnx");
    static_cast<void>(g);
  } catch (const tessera::Error&) {
  }
  try {
    const tessera::infer::Tensor t = tessera::infer::parse_tensor_pb(bytes, "fuzz.pb");
    const tessera::infer::Tensor again =
        tessera::infer::parse_tensor_pb(tessera::infer::encode_tensor_pb(t, "t"), "again");
    if (again.type != t.type || again.shape != t.shape || again.bytes != t.bytes) std::abort();
  } catch (const tessera::Error&) {
  }
  return 0;
}
