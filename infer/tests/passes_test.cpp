// Graph passes keep a graph's outputs: hand-built graphs (Conv and Gemm followed by
// BatchNormalization, pass-through nodes, a dead branch, a constant shape computation) run
// before and after, and the light_* models of the shared data through every pass.
#include "tessera/infer/passes.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tessera/core/rng.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/data_manifest.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/reference.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::infer {
namespace {

Tensor random_float(std::vector<std::int64_t> shape, std::uint64_t seed, float lo = -1,
                    float hi = 1) {
  Tensor t(DataType::kFloat32, std::move(shape));
  const CounterRng rng(seed, 0);
  auto d = t.data<float>();
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<float>(rng.uniform(i, lo, hi));
  return t;
}

Node node(std::string op, std::vector<std::string> inputs, std::vector<std::string> outputs,
          std::map<std::string, Attribute, std::less<>> attributes = {}) {
  Node n;
  n.name = outputs[0];
  n.op_type = std::move(op);
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attributes = std::move(attributes);
  return n;
}

void add_batch_norm_constants(Graph& g, std::int64_t channels, std::uint64_t seed) {
  g.constants["scale"] = random_float({channels}, seed, 0.5f, 2.0f);
  g.constants["shift"] = random_float({channels}, seed + 1);
  g.constants["mean"] = random_float({channels}, seed + 2);
  g.constants["var"] = random_float({channels}, seed + 3, 0.1f, 3.0f);
}

// The outputs of `g` and of `g` after the default passes, on input `x`, within float rounding.
void expect_same_outputs(const Graph& g, const Tensor& x) {
  const Graph optimized = run_passes(g, default_passes());
  const TensorMap inputs{{"x", x}};
  const TensorMap before = run_reference(g, inputs), after = run_reference(optimized, inputs);
  for (const auto& [name, t] : before) {
    const auto problem = compare_tensors(after.at(name), t, 1e-5, 1e-6);
    EXPECT_FALSE(problem.has_value()) << name << ": " << problem.value_or("");
  }
}

std::size_t count_op(const Graph& g, std::string_view op) {
  return static_cast<std::size_t>(std::count_if(g.nodes.begin(), g.nodes.end(),
                                                [&](const Node& n) { return n.op_type == op; }));
}

TEST(Passes, BatchNormFoldsIntoConvAndPassThroughsAndDeadNodesGo) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {1, 4, 6, 6}});
  g.constants["w"] = random_float({6, 2, 3, 3}, 1);
  g.constants["b"] = random_float({6}, 2);
  add_batch_norm_constants(g, 6, 3);
  g.nodes.push_back(
      node("Conv", {"x", "w", "b"}, {"c"},
           {{"group", std::int64_t{2}}, {"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}));
  g.nodes.push_back(node("BatchNormalization", {"c", "scale", "shift", "mean", "var"}, {"n"},
                         {{"epsilon", 1e-3f}}));
  g.nodes.push_back(node("Identity", {"n"}, {"i"}));
  g.nodes.push_back(node("Dropout", {"i"}, {"d"}));
  g.nodes.push_back(node("Relu", {"d"}, {"y"}));
  g.nodes.push_back(node("Sigmoid", {"x"}, {"unused"}));
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  const Graph optimized = run_passes(g, default_passes());
  EXPECT_EQ(optimized.nodes.size(), 1u);  // Conv and Relu fused
  EXPECT_EQ(count_op(optimized, "FusedConv"), 1u);
  expect_same_outputs(g, random_float({1, 4, 6, 6}, 9));
}

TEST(Passes, BatchNormFoldsIntoGemmEitherWayRound) {
  for (const std::int64_t trans_b : {0, 1}) {
    Graph g;
    g.opset = 13;
    g.inputs.push_back({"x", DataType::kFloat32, {3, 5}});
    g.constants["w"] = random_float(
        trans_b ? std::vector<std::int64_t>{4, 5} : std::vector<std::int64_t>{5, 4}, 4);
    g.constants["c"] = random_float({4}, 5);
    add_batch_norm_constants(g, 4, 6);
    g.nodes.push_back(node("Gemm", {"x", "w", "c"}, {"m"},
                           {{"transB", trans_b}, {"alpha", 0.5f}, {"beta", 2.0f}}));
    g.nodes.push_back(node("BatchNormalization", {"m", "scale", "shift", "mean", "var"}, {"y"}));
    g.outputs.push_back({"y", DataType::kFloat32, {}});
    EXPECT_EQ(count_op(run_passes(g, default_passes()), "BatchNormalization"), 0u)
        << "transB " << trans_b;
    expect_same_outputs(g, random_float({3, 5}, 7));
  }
}

TEST(Passes, ABatchNormWhoseInputIsReadTwiceStays) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {1, 2, 3, 3}});
  g.constants["w"] = random_float({2, 2, 1, 1}, 1);
  add_batch_norm_constants(g, 2, 3);
  g.nodes.push_back(node("Conv", {"x", "w"}, {"c"}));
  g.nodes.push_back(node("BatchNormalization", {"c", "scale", "shift", "mean", "var"}, {"n"}));
  g.nodes.push_back(node("Add", {"n", "c"}, {"y"}));
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  EXPECT_EQ(count_op(run_passes(g, default_passes()), "BatchNormalization"), 1u);
  expect_same_outputs(g, random_float({1, 2, 3, 3}, 2));
}

TEST(Passes, ConstantShapeComputationsFold) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {2, 3, 4}});
  g.constants["t"] = Tensor(DataType::kFloat32, {2, 12});
  g.constants["zero"] = make_int64({}, {0});
  g.nodes.push_back(node("Shape", {"t"}, {"s"}));
  g.nodes.push_back(node("Gather", {"s", "zero"}, {"rows"}));
  g.nodes.push_back(node("Unsqueeze", {"rows", "zero"}, {"r1"}));
  g.nodes.push_back(node("Constant", {}, {"minus"}, {{"value", make_int64({1}, {-1})}}));
  g.nodes.push_back(node("Concat", {"r1", "minus"}, {"shape"}, {{"axis", std::int64_t{0}}}));
  g.nodes.push_back(node("Reshape", {"x", "shape"}, {"y"}));
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  const Graph optimized = run_passes(g, default_passes());
  ASSERT_EQ(optimized.nodes.size(), 1u);
  EXPECT_EQ(optimized.nodes[0].op_type, "Reshape");
  EXPECT_EQ(optimized.constants.size(), 1u);  // the folded shape; t and zero are dead
  expect_same_outputs(g, random_float({2, 3, 4}, 3));
}

// A residual block whose shortcut is computed after the Conv it is added to: the Conv takes the
// per-channel constant Add into its bias, the shortcut as its residual and the Relu, and moves to
// where the Relu was.
TEST(Passes, EpiloguesFuseIntoTheConvBeforeThem) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {2, 3, 5, 5}});
  g.constants["w"] = random_float({4, 3, 3, 3}, 1);
  g.constants["bias"] = random_float({1, 4, 1, 1}, 2);
  g.constants["w_short"] = random_float({4, 3, 1, 1}, 3);
  g.nodes.push_back(
      node("Conv", {"x", "w"}, {"c"}, {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}));
  g.nodes.push_back(node("Add", {"bias", "c"}, {"cb"}));
  g.nodes.push_back(node("Conv", {"x", "w_short"}, {"short"}));
  g.nodes.push_back(node("Add", {"cb", "short"}, {"sum"}));
  g.nodes.push_back(node("Relu", {"sum"}, {"y"}));
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  const Graph fused = fuse_epilogues(g);
  ASSERT_EQ(fused.nodes.size(), 2u);
  EXPECT_EQ(fused.nodes[0].op_type, "Conv");  // the shortcut: its reader was fused
  const Node& f = fused.nodes[1];
  EXPECT_EQ(f.op_type, "FusedConv");
  EXPECT_EQ(f.inputs.size(), 4u);
  EXPECT_EQ(f.inputs[3], "short");
  EXPECT_EQ(f.outputs, std::vector<std::string>{"y"});
  EXPECT_EQ(f.attribute<std::string>("activation", ""), "Relu");
  expect_same_outputs(g, random_float({2, 3, 5, 5}, 4));
  // Saved with its domain, read back the same.
  EXPECT_EQ(encode_onnx(parse_onnx(encode_onnx(fused), "fused")), encode_onnx(fused));
}

TEST(Passes, ClipAndLeakyReluFuseAsActivations) {
  for (const std::string op : {"Clip", "LeakyRelu"}) {
    Graph g;
    g.opset = 13;
    g.inputs.push_back({"x", DataType::kFloat32, {1, 4, 6, 6}});
    g.constants["w"] = random_float({4, 1, 3, 3}, 1);
    g.constants["b"] = random_float({4}, 2);
    g.constants["lo"] = make_float({}, {-0.2f});
    g.constants["hi"] = make_float({}, {0.3f});
    g.nodes.push_back(node("Conv", {"x", "w", "b"}, {"c"}, {{"group", std::int64_t{4}}}));
    if (op == "Clip") {
      g.nodes.push_back(node("Clip", {"c", "lo", "hi"}, {"y"}));
    } else {
      g.nodes.push_back(node("LeakyRelu", {"c"}, {"y"}, {{"alpha", 0.1f}}));
    }
    g.outputs.push_back({"y", DataType::kFloat32, {}});
    const Graph fused = fuse_epilogues(g);
    ASSERT_EQ(fused.nodes.size(), 1u) << op;
    EXPECT_EQ(fused.nodes[0].attribute<std::string>("activation", ""), op);
    expect_same_outputs(g, random_float({1, 4, 6, 6}, 3));
  }
}

TEST(Passes, EpiloguesStayWhereTheirInputIsReadElsewhere) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {1, 2, 4, 4}});
  g.inputs.push_back({"hi", DataType::kFloat32, {}});
  g.constants["w"] = random_float({2, 2, 1, 1}, 1);
  g.constants["w2"] = random_float({2, 2, 1, 1}, 2);
  g.nodes.push_back(node("Conv", {"x", "w"}, {"c"}));
  g.nodes.push_back(node("Relu", {"c"}, {"r"}));  // c is also a graph output
  g.nodes.push_back(node("Conv", {"r", "w2"}, {"c2"}));
  g.nodes.push_back(node("Clip", {"c2", "", "hi"}, {"y"}));  // a bound given at run time
  g.outputs.push_back({"c", DataType::kFloat32, {}});
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  const Graph fused = fuse_epilogues(g);
  EXPECT_EQ(count_op(fused, "FusedConv"), 0u);
  EXPECT_EQ(fused.nodes.size(), 4u);
}

TEST(Passes, FusedConvIsReadOnlyInTesserasDomain) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {1, 1, 3, 3}});
  g.constants["w"] = random_float({1, 1, 1, 1}, 1);
  g.nodes.push_back(node("FusedConv", {"x", "w"}, {"y"}, {{"activation", std::string("Relu")}}));
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  std::vector<std::byte> bytes = encode_onnx(g);
  EXPECT_EQ(parse_onnx(bytes, "ours").nodes[0].op_type, "FusedConv");
  // The same node in another domain (the first "ai.tessera" is the node's, before the opset list).
  std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const std::size_t at = text.find("ai.tessera");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 10, "ai.onnx.ml");
  const std::span<const std::byte> changed(reinterpret_cast<const std::byte*>(text.data()),
                                           text.size());
  EXPECT_THROW(parse_onnx(changed, "theirs"), Unsupported);
}

TEST(Passes, PrintAfterNamesAKnownPass) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {2}});
  g.nodes.push_back(node("Identity", {"x"}, {"i"}));
  g.nodes.push_back(node("Relu", {"i"}, {"y"}));
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  std::ostringstream out;
  run_passes(g, default_passes(), "remove-pass-throughs", &out);
  EXPECT_EQ(out.str(),
            "# after remove-pass-throughs\ny = Relu(x)\noutputs: y (1 nodes, 0 constants)\n");
  testing::expect_error([&] { run_passes(g, default_passes(), "fuse-everything", &out); },
                        {.input = "print-after", .contains = "'fuse-everything' is not a pass"});
}

// Slow: the reference kernels run each full-size network twice.
TEST(Passes, SlowLightModelsKeepTheirOutputs) {
  for (const DataInput& model : data_manifest().set("light")) {
    if (!model.present) GTEST_SKIP() << model.missing_reason;
    const Graph g = read_onnx(model.path);
    const Graph optimized = run_passes(g, default_passes());
    TensorMap inputs;
    for (const ValueInfo& in : g.inputs) {
      Tensor t(DataType::kFloat32, in.shape);
      auto d = t.data<float>();
      for (std::size_t i = 0; i < d.size(); ++i)
        d[i] = static_cast<float>(i) / static_cast<float>(d.size());
      inputs[in.name] = std::move(t);
    }
    auto expected = model.path;
    expected.replace_filename(model.path.stem().string() + "_output_0.pb");
    const auto got = run_reference(optimized, inputs).at(optimized.outputs[0].name);
    const auto problem =
        compare_tensors(got, read_tensor_pb(expected),
                        model.id == "light_densenet121" ? 2e-3 : kDefaultRtol, kDefaultAtol);
    EXPECT_FALSE(problem.has_value()) << model.id << ": " << problem.value_or("");
    // Every BatchNormalization that follows a Conv folds (densenet121's first normalise the
    // concatenations of its dense blocks and stay).
    if (model.id == "light_resnet50" || model.id == "light_inception_v2") {
      EXPECT_GT(count_op(g, "BatchNormalization"), 0u) << model.id;
      EXPECT_EQ(count_op(optimized, "BatchNormalization"), 0u) << model.id;
    }
    EXPECT_LT(optimized.nodes.size(), g.nodes.size()) << model.id;
  }
}

}  // namespace
}  // namespace tessera::infer
