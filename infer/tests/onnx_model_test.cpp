// The importer and the TensorProto codec: round trips, and the errors for malformed, truncated
// and unsupported models (on models of the ONNX backend test data, skipped when it is absent).
#include "tessera/infer/onnx_model.hpp"

#include <gtest/gtest.h>

#include "tessera/core/file_io.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/data_manifest.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::infer {
namespace {

std::filesystem::path node_tests() {
  const DataInput node = data_manifest().input("node-tests");
  if (!node.present) return {};
  return node_test_root(node);
}

TEST(TensorPb, EncodesAndParsesBack) {
  const Tensor t = make_float({2, 3}, {1, -2, 3.5f, 0, 1e-30f, 7});
  const Tensor back = parse_tensor_pb(encode_tensor_pb(t, "t"), "t.pb");
  EXPECT_EQ(back.type, t.type);
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.bytes, t.bytes);
}

TEST(TensorPb, GarbageIsRejected) {
  const std::vector<std::byte> junk(16, std::byte{0xff});
  testing::expect_error([&] { parse_tensor_pb(junk, "junk.pb"); },
                        {.input = "junk.pb", .contains = "not an ONNX tensor"});
}

TEST(TensorFiles, NpyRoundTripsFloat32AndRefusesOtherTypes) {
  const testing::TempDir dir;
  const Tensor t = make_float({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  write_file(dir / "t.npy", encode_tensor_file(t, "t", dir / "t.npy"));
  const Tensor back = read_tensor_file(dir / "t.npy");
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.bytes, t.bytes);
  write_file(dir / "t.pb", encode_tensor_file(t, "t", dir / "t.pb"));
  EXPECT_EQ(read_tensor_file(dir / "t.pb").bytes, t.bytes);
  testing::expect_error(
      [&] {
        encode_tensor_file(make_int64({2}, {1, 2}), "shape", dir / "s.npy");
      },
      {.contains = "'shape' is int64"});
}

// The parts of two graphs that running them depends on.
void expect_same_graph(const Graph& a, const Graph& b, const std::string& what) {
  EXPECT_EQ(a.opset, b.opset) << what;
  ASSERT_EQ(a.nodes.size(), b.nodes.size()) << what;
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    EXPECT_EQ(a.nodes[i].op_type, b.nodes[i].op_type) << what;
    EXPECT_EQ(a.nodes[i].name, b.nodes[i].name) << what;
    EXPECT_EQ(a.nodes[i].inputs, b.nodes[i].inputs) << what;
    EXPECT_EQ(a.nodes[i].outputs, b.nodes[i].outputs) << what;
    ASSERT_EQ(a.nodes[i].attributes.size(), b.nodes[i].attributes.size()) << what;
    for (const auto& [key, value] : a.nodes[i].attributes) {
      const Attribute& other = b.nodes[i].attributes.at(key);
      EXPECT_TRUE(value == other) << what << " " << key;
    }
  }
  ASSERT_EQ(a.constants.size(), b.constants.size()) << what;
  for (const auto& [name, t] : a.constants)
    EXPECT_TRUE(t == b.constants.at(name)) << what << " " << name;
  ASSERT_EQ(a.inputs.size(), b.inputs.size()) << what;
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    EXPECT_EQ(a.inputs[i].name, b.inputs[i].name) << what;
    EXPECT_EQ(a.inputs[i].shape, b.inputs[i].shape) << what;
  }
  ASSERT_EQ(a.outputs.size(), b.outputs.size()) << what;
  for (std::size_t i = 0; i < a.outputs.size(); ++i)
    EXPECT_EQ(a.outputs[i].name, b.outputs[i].name) << what;
}

TEST(OnnxExport, EverySupportedNodeTestModelRoundTrips) {
  const auto root = node_tests();
  if (root.empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  std::size_t models = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    Graph g;
    try {
      g = read_onnx(entry.path() / "model.onnx");
    } catch (const Unsupported&) {
      continue;
    }
    expect_same_graph(g, parse_onnx(encode_onnx(g), "again.onnx"),
                      entry.path().filename().string());
    ++models;
  }
  EXPECT_GT(models, 150u);
}

TEST(OnnxExport, TheLightModelsRoundTrip) {
  for (const DataInput& model : data_manifest().set("light")) {
    if (!model.present) GTEST_SKIP() << model.missing_reason;
    const Graph g = read_onnx(model.path);
    expect_same_graph(g, parse_onnx(encode_onnx(g), "again.onnx"), model.id);
  }
}

TEST(OnnxImport, ReadsANodeTest) {
  const auto root = node_tests();
  if (root.empty())
    GTEST_SKIP() << "libonnx-testdata is not installed: "
                 << data_manifest().input("node-tests").missing_reason;
  const Graph g = read_onnx(root / "test_conv_with_strides_padding" / "model.onnx");
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op_type, "Conv");
  EXPECT_EQ(g.inputs.size(), 2u);
  EXPECT_EQ(g.nodes[0].attribute<std::vector<std::int64_t>>("strides", {}),
            (std::vector<std::int64_t>{2, 2}));
}

TEST(OnnxImport, TruncatedAndMalformedModelsAreRejected) {
  const auto root = node_tests();
  if (root.empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  std::vector<std::byte> bytes = read_file(root / "test_conv_with_strides_padding" / "model.onnx");
  bytes.resize(bytes.size() / 2);
  testing::expect_error([&] { parse_onnx(bytes, "half.onnx"); },
                        {.input = "half.onnx", .contains = "malformed or truncated"});
  const std::vector<std::byte> text(40, std::byte{'x'});
  testing::expect_error([&] { parse_onnx(text, "text.onnx"); }, {.input = "text.onnx"});
}

TEST(OnnxImport, AnUnsupportedOperatorIsNamedWithItsNodeAndOpset) {
  const auto root = node_tests();
  if (root.empty()) GTEST_SKIP() << "libonnx-testdata is not installed";
  const std::string what = testing::expect_error(
      [&] { read_onnx(root / "test_abs" / "model.onnx"); }, {.contains = "operator Abs of node"});
  EXPECT_NE(what.find("(opset "), std::string::npos) << what;
  EXPECT_THROW(read_onnx(root / "test_abs" / "model.onnx"), Unsupported);
}

}  // namespace
}  // namespace tessera::infer
