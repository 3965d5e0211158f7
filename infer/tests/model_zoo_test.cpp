// The generated benchmark models: their layers (counted as torchvision's models have them), their
// weights' names and determinism, an ONNX round trip, and a run on small images before and after
// the graph passes.
#include "tessera/infer/model_zoo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/rng.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/passes.hpp"
#include "tessera/infer/reference.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::infer {
namespace {

std::size_t count_op(const Graph& g, std::string_view op) {
  return static_cast<std::size_t>(std::count_if(g.nodes.begin(), g.nodes.end(),
                                                [&](const Node& n) { return n.op_type == op; }));
}

std::size_t depthwise_convs(const Graph& g) {
  return static_cast<std::size_t>(std::count_if(g.nodes.begin(), g.nodes.end(), [](const Node& n) {
    return n.op_type == "Conv" && n.attribute<std::int64_t>("group", 1) > 1;
  }));
}

TEST(ModelZoo, HasTorchvisionsLayers) {
  const Graph resnet = make_zoo_model("resnet18");
  EXPECT_EQ(count_op(resnet, "Conv"), 20u);  // 1 + 16 in blocks + 3 downsamples
  EXPECT_EQ(count_op(resnet, "BatchNormalization"), 20u);
  EXPECT_EQ(count_op(resnet, "Add"), 8u);
  EXPECT_EQ(count_op(resnet, "Gemm"), 1u);
  EXPECT_EQ(resnet.constants.at("layer3.0.downsample.0.weight").shape,
            (std::vector<std::int64_t>{256, 128, 1, 1}));
  EXPECT_EQ(resnet.constants.at("fc.weight").shape, (std::vector<std::int64_t>{1000, 512}));

  const Graph mobilenet = make_zoo_model("mobilenetv2");
  EXPECT_EQ(count_op(mobilenet, "Conv"), 52u);
  EXPECT_EQ(depthwise_convs(mobilenet), 17u);
  EXPECT_EQ(count_op(mobilenet, "Add"), 10u);  // residuals of the stride-1 blocks of equal width
  EXPECT_EQ(count_op(mobilenet, "Clip"), 35u);
  EXPECT_EQ(mobilenet.constants.at("features.18.0.weight").shape,
            (std::vector<std::int64_t>{1280, 320, 1, 1}));
  EXPECT_EQ(mobilenet.constants.at("features.2.conv.1.0.weight").shape,
            (std::vector<std::int64_t>{96, 1, 3, 3}));

  const Graph squeeze = make_zoo_model("squeezenet1.1");
  EXPECT_EQ(count_op(squeeze, "Conv"), 26u);  // 1 + 8 fire modules x 3 + the classifier
  EXPECT_EQ(count_op(squeeze, "Concat"), 8u);
  EXPECT_EQ(count_op(squeeze, "MaxPool"), 3u);
  EXPECT_EQ(squeeze.constants.at("features.12.expand3x3.weight").shape,
            (std::vector<std::int64_t>{256, 64, 3, 3}));
}

TEST(ModelZoo, SameOptionsSameBytesAndOtherSeedsOtherWeights) {
  for (const std::string& name : zoo_model_names()) {
    const Graph a = make_zoo_model(name, {.seed = 3});
    EXPECT_EQ(encode_onnx(a), encode_onnx(make_zoo_model(name, {.seed = 3}))) << name;
    const Graph b = make_zoo_model(name, {.seed = 4});
    EXPECT_EQ(a.nodes.size(), b.nodes.size()) << name;
    EXPECT_NE(a.constants.begin()->second, b.constants.begin()->second) << name;
    EXPECT_EQ(a.inputs[0].shape, (std::vector<std::int64_t>{1, 3, 224, 224})) << name;
    EXPECT_EQ(a.outputs[0].shape, (std::vector<std::int64_t>{1, 1000})) << name;
  }
}

TEST(ModelZoo, RoundTripsThroughOnnx) {
  for (const std::string& name : zoo_model_names()) {
    const Graph g = make_zoo_model(name, {.batch = 2, .image = 64});
    const std::vector<std::byte> bytes = encode_onnx(g);
    EXPECT_EQ(encode_onnx(parse_onnx(bytes, name)), bytes) << name;
  }
}

// Every model runs on small images, gives finite logits of the right shape that differ between
// the two images of the batch, and gives the same after the graph passes (every BatchNormalization
// folded, most convolutions fused with what follows them).
TEST(ModelZoo, RunsAndKeepsItsOutputsThroughThePasses) {
  for (const std::string& name : zoo_model_names()) {
    const Graph g = make_zoo_model(name, {.batch = 2, .image = 64});
    Tensor x(DataType::kFloat32, g.inputs[0].shape);
    const CounterRng rng(9, 0);
    auto d = x.data<float>();
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = rng.uniform_float(i, -1, 1);
    const Tensor y = run_reference(g, {{"input", x}}).at("output");
    ASSERT_EQ(y.shape, (std::vector<std::int64_t>{2, 1000})) << name;
    const auto v = y.data<float>();
    EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](float f) { return std::isfinite(f); })) << name;
    EXPECT_FALSE(std::equal(v.begin(), v.begin() + 1000, v.begin() + 1000)) << name;

    const Graph optimized = run_passes(g, default_passes());
    EXPECT_EQ(count_op(optimized, "BatchNormalization"), 0u) << name;
    EXPECT_EQ(count_op(optimized, "Conv") + count_op(optimized, "FusedConv"), count_op(g, "Conv"))
        << name;
    EXPECT_GT(count_op(optimized, "FusedConv"), count_op(g, "Conv") / 2) << name;
    const Tensor y2 = run_reference(optimized, {{"input", x}}).at("output");
    const auto problem = compare_tensors(y2, y, 1e-4, 1e-5);
    EXPECT_FALSE(problem.has_value()) << name << ": " << problem.value_or("");
  }
}

TEST(ModelZoo, RefusesUnknownModelsAndSizes) {
  testing::expect_error(
      [] { make_zoo_model("resnet50"); },
      {"resnet50", "is not a model of the zoo (resnet18, mobilenetv2, squeezenet1.1)"});
  testing::expect_error([] { make_zoo_model("resnet18", {.batch = 0}); },
                        {"resnet18", "needs a batch of at least 1"});
  testing::expect_error([] { make_zoo_model("squeezenet1.1", {.image = 31}); },
                        {"squeezenet1.1", "needs images of at least 32 x 32 pixels"});
}

}  // namespace
}  // namespace tessera::infer
