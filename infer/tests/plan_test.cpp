// The optimized runtime against the reference: every conv kernel on convolutions of many shapes
// (groups, depthwise, strides, dilations, uneven pads, residual, each activation), and whole
// plans of the zoo models and mnist-8.
#include "tessera/infer/plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "../src/conv_kernels.hpp"
#include "random_tensor.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/data_manifest.hpp"
#include "tessera/infer/model_zoo.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/passes.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::infer {
namespace {

struct ConvCase {
  std::vector<std::int64_t> input;   // N, C, H, W
  std::vector<std::int64_t> weight;  // K, C/g, R, S
  std::int64_t group = 1;
  std::vector<std::int64_t> strides{1, 1}, dilations{1, 1}, pads{0, 0, 0, 0};
  std::string auto_pad = "NOTSET";
  bool residual = false;
  std::string activation{};
};

// A one-node graph: FusedConv of x with constant weights and bias (and z when residual).
Graph conv_graph(const ConvCase& c) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, c.input});
  g.constants["w"] = random_float(c.weight, 2);
  g.constants["b"] = random_float({c.weight[0]}, 3);
  Node n;
  n.name = "conv";
  n.op_type = "FusedConv";
  n.inputs = {"x", "w", "b"};
  n.outputs = {"y"};
  n.attributes = {{"group", c.group},
                  {"strides", c.strides},
                  {"dilations", c.dilations},
                  {"pads", c.pads},
                  {"auto_pad", c.auto_pad}};
  if (c.activation == "Clip") {
    n.attributes["activation"] = std::string("Clip");
    n.attributes["activation_min"] = -0.3f;
    n.attributes["activation_max"] = 0.4f;
  } else if (c.activation == "LeakyRelu") {
    n.attributes["activation"] = std::string("LeakyRelu");
    n.attributes["activation_alpha"] = 0.2f;
  } else if (!c.activation.empty()) {
    n.attributes["activation"] = c.activation;
  }
  g.nodes.push_back(n);
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  if (c.residual) {  // z has the output's shape: run once without it to learn that shape
    const Tensor y = run_reference(g, {{"x", random_float(c.input, 1)}}).at("y");
    g.inputs.push_back({"z", DataType::kFloat32, y.shape});
    g.nodes[0].inputs.push_back("z");
  }
  return g;
}

const std::vector<ConvCase>& conv_cases() {
  static const std::vector<ConvCase> cases = {
      {.input = {1, 3, 9, 9}, .weight = {8, 3, 3, 3}, .pads = {1, 1, 1, 1}, .activation = "Relu"},
      {.input = {2, 4, 8, 7}, .weight = {6, 4, 1, 1}, .residual = true},
      {.input = {1, 8, 10, 10},
       .weight = {8, 1, 3, 3},
       .group = 8,
       .strides = {2, 2},
       .pads = {1, 1, 1, 1},
       .activation = "Clip"},
      {.input = {2, 6, 11, 9},
       .weight = {6, 1, 3, 3},
       .group = 6,
       .dilations = {2, 1},
       .pads = {0, 2, 1, 0},
       .residual = true,
       .activation = "LeakyRelu"},
      {.input = {1, 6, 7, 7},
       .weight = {4, 3, 2, 3},
       .group = 2,
       .strides = {2, 1},
       .auto_pad = "SAME_UPPER"},
      {.input = {1, 3, 16, 16},
       .weight = {5, 3, 7, 7},
       .strides = {2, 2},
       .pads = {3, 3, 3, 3},
       .residual = true,
       .activation = "Relu"},
      // Whole vectors of channels and tiles cut by the edges, as oneDNN's Winograd takes them.
      {.input = {2, 32, 13, 11},
       .weight = {48, 32, 3, 3},
       .pads = {1, 1, 1, 1},
       .residual = true,
       .activation = "Relu"},
      {.input = {1, 4, 5, 5},
       .weight = {4, 1, 5, 5},
       .group = 4,
       .strides = {3, 3},
       .auto_pad = "SAME_LOWER"},
  };
  return cases;
}

// Every record of "infer.conv" that takes a case gives the reference's output.
TEST(ConvKernels, EveryRecordMatchesTheReference) {
  const auto& registry = detail::conv_kernels();
  std::set<std::string> ran;
  for (std::size_t i = 0; i < conv_cases().size(); ++i) {
    const ConvCase& c = conv_cases()[i];
    const Graph g = conv_graph(c);
    TensorMap inputs{{"x", random_float(c.input, 1)}};
    if (c.residual) inputs["z"] = random_float(g.inputs[1].shape, 4);
    const Tensor want = run_reference(g, inputs).at("y");
    std::optional<detail::ConvShape> shape = detail::conv_shape_of(g.nodes[0], c.input, c.weight);
    ASSERT_TRUE(shape.has_value()) << "case " << i;
    shape->residual = c.residual;
    ASSERT_EQ(want.shape, (std::vector<std::int64_t>{shape->n, shape->k, shape->oh, shape->ow}))
        << "case " << i;
    for (const auto& kernel : registry.kernels()) {
      std::unique_ptr<detail::ConvExecutor> executor;
      const detail::ConvPrepare prepare{&*shape, g.constants.at("w").data<float>().data(),
                                        g.constants.at("b").data<float>().data(), &executor};
      if (!registry.can_run(kernel, prepare)) continue;
      try {
        registry.run(kernel, prepare);
      } catch (const std::exception& e) {
        // Only the fixed-format oneDNN records may refuse a shape (oneDNN has only its reference
        // implementation for it), and Winograd (none on a CPU without AVX-512); the plan then
        // leaves them out.
        EXPECT_TRUE(kernel.name == "onednn-nhwc" || kernel.name.rfind("onednn-nChw", 0) == 0 ||
                    kernel.name.rfind("onednn-nchw-", 0) == 0 || kernel.name == "onednn-winograd")
            << kernel.name << ", case " << i << ": " << e.what();
        continue;
      }
      Tensor got(DataType::kFloat32, want.shape);
      executor->run(inputs.at("x").data<float>().data(),
                    c.residual ? inputs.at("z").data<float>().data() : nullptr,
                    got.data<float>().data());
      const auto problem = compare_tensors(got, want, 1e-4, 1e-5);
      EXPECT_FALSE(problem.has_value())
          << kernel.name << ", case " << i << ": " << problem.value_or("");
      ran.insert(kernel.name);
    }
  }
  for (const char* name : {"im2col-openblas", "depthwise", "blocked-direct", "blocked-depthwise"})
    EXPECT_TRUE(ran.count(name)) << name;
  if (detect_cpu_features().avx512f) {  // oneDNN's records, where it is built in, all ran
    for (const auto& kernel : registry.kernels()) {
      if (kernel.name.rfind("onednn-", 0) == 0) {
        EXPECT_TRUE(ran.count(kernel.name)) << kernel.name;
      }
    }
  }
}

// The zoo models, fused, give the reference outputs of the models as generated.
TEST(Plan, ZooModelsMatchTheReference) {
  for (const std::string& name : zoo_model_names()) {
    const Graph g = make_zoo_model(name, {.batch = 2, .image = 64});
    const TensorMap inputs{{"input", random_float(g.inputs[0].shape, 5)}};
    const Tensor want = run_reference(g, inputs).at("output");
    Plan plan = Plan::compile(run_passes(g, default_passes()), {.repetitions = 1});
    const Tensor got = plan.run(inputs).at("output");
    const auto problem = compare_tensors(got, want, 1e-3, 1e-4);
    EXPECT_FALSE(problem.has_value()) << name << ": " << problem.value_or("");
    // The same plan again, on other inputs.
    const TensorMap other{{"input", random_float(g.inputs[0].shape, 6)}};
    EXPECT_FALSE(compare_tensors(plan.run(other).at("output"), run_reference(g, other).at("output"),
                                 1e-3, 1e-4)
                     .has_value())
        << name;
    std::size_t own = 0;
    for (const PlanStep& s : plan.steps()) own += s.kernel != "reference";
    EXPECT_EQ(own, plan.steps().size()) << name << ": every node has a kernel of its own";
  }
}

TEST(Plan, RunsOnlyTheConvKernelsItIsGiven) {
  const Graph g = run_passes(make_zoo_model("mobilenetv2", {.image = 32}), default_passes());
  const Plan plan = Plan::compile(g, {.conv_kernels = {"im2col-openblas"}, .repetitions = 1});
  for (const PlanStep& s : plan.steps()) {
    if (s.op_type == "Conv" || s.op_type == "FusedConv") {
      EXPECT_EQ(s.kernel, "im2col-openblas") << s.node;
      EXPECT_EQ(s.candidates.size(), 1u) << s.node;
    }
  }
  testing::expect_error(
      [&] { Plan::compile(g, {.conv_kernels = {"winograd"}}); },
      {.input = "conv-kernels", .contains = "unknown infer.conv kernel 'winograd'"});
}

// With oneDNN's blocked convolutions only, ResNet-18's values stay blocked from one convolution
// to the next, through MaxPool and into GlobalAveragePool, which computes in that layout too.
TEST(Plan, KeepsBlockedLayoutsBetweenConvolutions) {
  const Graph g = run_passes(make_zoo_model("resnet18", {.image = 64}), default_passes());
  Plan plan = Plan::compile(g, {.conv_kernels = {"onednn-blocked"}, .repetitions = 1});
  std::size_t convs = 0, blocked = 0;
  for (const PlanStep& s : plan.steps()) {
    if (s.op_type != "FusedConv" && s.op_type != "Conv") continue;
    ++convs;
    blocked += !s.own_output_layout.empty();
  }
  if (convs == 0 || plan.steps()[0].kernel != "onednn-blocked")
    GTEST_SKIP() << "built without oneDNN";
  EXPECT_EQ(blocked, convs);
  for (const PlanStep& s : plan.steps()) {
    if (s.op_type == "MaxPool" || s.op_type == "GlobalAveragePool") {
      EXPECT_EQ(s.kernel, "onednn-pooling") << s.node;
    }
    if (s.op_type == "MaxPool") {
      EXPECT_FALSE(s.own_output_layout.empty());
    }
  }
  const TensorMap inputs{{"input", random_float(g.inputs[0].shape, 3)}};
  EXPECT_FALSE(compare_tensors(plan.run(inputs).at("output"), run_reference(g, inputs).at("output"),
                               1e-3, 1e-4)
                   .has_value());
}

// The project's blocked-layout convolutions alone (direct and depthwise, in channel blocks of one
// vector): MobileNetV2 at batch 2 has channel counts that are not whole blocks (24, 144, 320) and
// every convolution keeps its output in its own layout, except the last before the pooling.
TEST(Plan, BlockedConvolutionsKeepTheirLayoutsAndMatchTheReference) {
  const Graph g =
      run_passes(make_zoo_model("mobilenetv2", {.batch = 2, .image = 48}), default_passes());
  Plan plan =
      Plan::compile(g, {.conv_kernels = {"blocked-direct", "blocked-depthwise"}, .repetitions = 1});
  std::size_t convs = 0, blocked = 0, depthwise = 0;
  for (const PlanStep& s : plan.steps()) {
    if (s.op_type != "FusedConv" && s.op_type != "Conv") continue;
    ++convs;
    blocked += !s.own_output_layout.empty();
    depthwise += s.kernel == "blocked-depthwise";
    EXPECT_TRUE(s.schedule.rfind("direct_", 0) == 0 || s.schedule.rfind("depthwise_", 0) == 0)
        << s.node << ": " << s.schedule;
  }
  EXPECT_EQ(depthwise, 17u);
  EXPECT_GE(blocked, convs - 1);
  const TensorMap inputs{{"input", random_float(g.inputs[0].shape, 8)}};
  EXPECT_FALSE(compare_tensors(plan.run(inputs).at("output"), run_reference(g, inputs).at("output"),
                               1e-3, 1e-4)
                   .has_value());
}

using Attributes = std::map<std::string, Attribute, std::less<>>;

// x -> convolution a (and b for Concat) -> `op` (on a, or on a and b) -> convolution c -> y.
Graph following_graph(const std::string& op, const Attributes& attributes, std::int64_t batch = 2) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {batch, 16, 17, 15}});
  const auto conv = [&](const std::string& name, const std::string& x, std::int64_t c,
                        std::int64_t k, std::uint64_t seed) {
    g.constants[name + ".w"] = random_float({k, c, 3, 3}, seed);
    g.nodes.push_back({name,
                       "Conv",
                       {x, name + ".w"},
                       {name + ".y"},
                       {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}});
  };
  conv("a", "x", 16, 16, 11);
  std::vector<std::string> inputs{"a.y"};
  if (op == "Concat") conv("b", "x", 16, 32, 12), inputs.push_back("b.y");
  g.nodes.push_back({"op", op, inputs, {"p"}, attributes});
  conv("c", "p", op == "Concat" ? 48 : 16, 8, 13);
  g.nodes.back().outputs = {"y"};
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  return g;
}

// Pooling and Concat between blocked convolutions compute in the convolutions' layout and match
// the reference: ceil_mode, pads, dilations, the two ways of counting padding in an average. The
// one window oneDNN cannot express (ceil_mode's extra padding counted in the average) falls back
// to NCHW, and still matches.
TEST(Plan, PoolingAndConcatComputeInBlockedLayouts) {
  using Ints = std::vector<std::int64_t>;
  const struct {
    std::string op;
    Attributes attributes;
    bool blocked;
  } cases[] = {
      {"MaxPool", {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"ceil_mode", 1}}, true},
      {"MaxPool",
       {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}},
       true},
      {"MaxPool", {{"kernel_shape", Ints{2, 3}}, {"dilations", Ints{2, 1}}}, true},
      {"AveragePool",
       {{"kernel_shape", Ints{3, 3}},
        {"strides", Ints{2, 2}},
        {"pads", Ints{1, 0, 1, 2}},
        {"count_include_pad", 1}},
       true},
      {"AveragePool",
       {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"ceil_mode", 1}},
       true},
      {"AveragePool",
       {{"kernel_shape", Ints{2, 2}},
        {"strides", Ints{2, 2}},
        {"ceil_mode", 1},
        {"count_include_pad", 1}},
       false},
      {"GlobalAveragePool", {}, true},
      {"Concat", {{"axis", 1}}, true},
      {"Concat", {{"axis", -3}}, true},
  };
  for (const auto& c : cases) {
    const Graph g = following_graph(c.op, c.attributes);
    const TensorMap inputs{{"x", random_float(g.inputs[0].shape, 4)}};
    Plan plan = Plan::compile(g, {.conv_kernels = {"onednn-blocked"}, .repetitions = 1});
    if (plan.steps()[0].kernel != "onednn-blocked") GTEST_SKIP() << "built without oneDNN";
    const auto problem =
        compare_tensors(plan.run(inputs).at("y"), run_reference(g, inputs).at("y"), 1e-4, 1e-4);
    EXPECT_FALSE(problem.has_value()) << c.op << ": " << problem.value_or("");
    const PlanStep& op = plan.steps()[plan.steps().size() - 2];
    EXPECT_EQ(op.kernel.rfind("onednn-", 0) == 0, c.blocked) << c.op << ": " << op.kernel;
    EXPECT_EQ(!plan.steps()[0].own_output_layout.empty(), c.blocked) << c.op;
  }
}

// With one image, a Concat of convolutions in channel blocks has them write straight into their
// slices of its output, and nothing to do itself; the result still matches.
TEST(Plan, ConcatInputsAreWrittenIntoTheirSlices) {
  std::string blocks;  // onednn-nChw16c, or onednn-nChw8c without AVX-512
  for (const auto& kernel : detail::conv_kernels().kernels()) {
    if (kernel.name.rfind("onednn-nChw", 0) == 0) blocks = kernel.name;
  }
  if (blocks.empty()) GTEST_SKIP() << "built without oneDNN";
  for (const std::int64_t batch : {1, 2}) {
    const Graph g = following_graph("Concat", {{"axis", 1}}, batch);
    const TensorMap inputs{{"x", random_float(g.inputs[0].shape, 8)}};
    Plan plan = Plan::compile(g, {.conv_kernels = {blocks}, .repetitions = 1});
    EXPECT_FALSE(
        compare_tensors(plan.run(inputs).at("y"), run_reference(g, inputs).at("y"), 1e-4, 1e-4)
            .has_value())
        << "batch " << batch;
    const PlanStep& concat = plan.steps()[2];
    ASSERT_EQ(concat.op_type, "Concat");
    EXPECT_EQ(concat.kernel, batch == 1 ? "in-place" : "onednn-concat") << "batch " << batch;
  }
}

// A pooling between convolutions in two formats computes in its input's and writes its output in
// the format its reader computes in (one reorder, instead of one to NCHW and one back).
TEST(Plan, PoolingWritesItsOutputInItsReadersLayout) {
  std::string blocks;  // onednn-nChw16c, or onednn-nChw8c without AVX-512
  for (const auto& kernel : detail::conv_kernels().kernels()) {
    if (kernel.name.rfind("onednn-nChw", 0) == 0) blocks = kernel.name;
  }
  if (blocks.empty()) GTEST_SKIP() << "built without oneDNN";
  const Graph g = following_graph(
      "MaxPool", {{"kernel_shape", std::vector<std::int64_t>{3, 3}}, {"ceil_mode", 1}});
  const TensorMap inputs{{"x", random_float(g.inputs[0].shape, 9)}};
  Plan plan = Plan::compile(g, {.repetitions = 1, .chosen = {{"a", "onednn-nhwc"}, {"c", blocks}}});
  EXPECT_EQ(plan.steps()[0].own_output_layout, "nhwc");
  EXPECT_EQ(plan.steps()[1].kernel, "onednn-pooling");
  EXPECT_EQ(plan.steps()[1].own_output_layout, blocks.substr(std::string("onednn-").size()));
  EXPECT_FALSE(
      compare_tensors(plan.run(inputs).at("y"), run_reference(g, inputs).at("y"), 1e-4, 1e-4)
          .has_value());
}

// A network's first convolution reads its few-channel NCHW input as it is and writes channel
// blocks, which pass through a pooling to a Winograd convolution without a reorder; the result
// matches.
TEST(Plan, AFirstConvolutionWritesChannelBlocksForWinograd) {
  const auto& registry = detail::conv_kernels();
  const bool onednn = std::any_of(registry.kernels().begin(), registry.kernels().end(),
                                  [](const auto& k) { return k.name == "onednn-winograd"; });
  if (!onednn || !detect_cpu_features().avx512f)
    GTEST_SKIP() << "needs oneDNN and AVX-512 (oneDNN's Winograd)";
  using Ints = std::vector<std::int64_t>;
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {2, 3, 33, 31}});
  g.constants["a.w"] = random_float({16, 3, 7, 7}, 21);
  g.constants["c.w"] = random_float({16, 16, 3, 3}, 22);
  g.nodes.push_back(
      {"a", "Conv", {"x", "a.w"}, {"a.y"}, {{"strides", Ints{2, 2}}, {"pads", Ints{3, 3, 3, 3}}}});
  g.nodes.push_back(
      {"pool",
       "MaxPool",
       {"a.y"},
       {"p"},
       {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}});
  g.nodes.push_back({"c", "Conv", {"p", "c.w"}, {"y"}, {{"pads", Ints{1, 1, 1, 1}}}});
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  const TensorMap inputs{{"x", random_float(g.inputs[0].shape, 23)}};
  Plan plan = Plan::compile(
      g, {.repetitions = 1, .chosen = {{"a", "onednn-nchw-nChw16c"}, {"c", "onednn-winograd"}}});
  EXPECT_EQ(plan.steps()[0].own_output_layout, "nChw16c");
  EXPECT_EQ(plan.steps()[1].kernel, "onednn-pooling");
  EXPECT_EQ(plan.steps()[1].own_output_layout, "nChw16c");
  EXPECT_FALSE(
      compare_tensors(plan.run(inputs).at("y"), run_reference(g, inputs).at("y"), 1e-4, 1e-4)
          .has_value());
}

// A saved plan makes the same choices again without timing, and gives the same outputs.
TEST(Plan, SavedPlansRunAgainWithTheSameKernels) {
  const Graph g = run_passes(make_zoo_model("mobilenetv2", {.image = 32}), default_passes());
  Plan tuned = Plan::compile(g, {.repetitions = 1});
  const std::string text = save_plan(tuned, g);
  const SavedPlan saved = parse_saved_plan(text, "saved");
  EXPECT_EQ(saved.model_checksum, model_checksum(g));
  EXPECT_EQ(saved.machine, plan_machine());
  ASSERT_EQ(saved.steps.size(), tuned.steps().size());
  Plan again = Plan::compile(g, options_of(saved));
  for (std::size_t i = 0; i < saved.steps.size(); ++i) {
    EXPECT_EQ(again.steps()[i].kernel, tuned.steps()[i].kernel) << saved.steps[i].node;
    EXPECT_EQ(again.steps()[i].own_output_layout, tuned.steps()[i].own_output_layout)
        << saved.steps[i].node;
    EXPECT_EQ(saved.steps[i].kernel, tuned.steps()[i].kernel);
    EXPECT_EQ(saved.steps[i].own_layout_candidates, tuned.steps()[i].own_layout_candidates);
  }
  const TensorMap inputs{{"input", random_float(g.inputs[0].shape, 8)}};
  EXPECT_EQ(again.run(inputs).at("output"), tuned.run(inputs).at("output"));
  // Another model's checksum differs.
  EXPECT_NE(model_checksum(make_zoo_model("mobilenetv2", {.image = 32, .seed = 2})),
            saved.model_checksum);
}

TEST(Plan, MalformedSavedPlansAreRefused) {
  testing::expect_error([] { parse_saved_plan("{", "p.plan"); },
                        {.input = "p.plan", .contains = "is not a JSON object"});
  testing::expect_error(
      [] { parse_saved_plan(R"({"schema": "other", "version": 1})", "p.plan"); },
      {.input = "p.plan", .contains = "is not a saved plan (tessera.infer.plan version 1)"});
  testing::expect_error(
      [] {
        parse_saved_plan(R"({"schema": "tessera.infer.plan", "version": 1, "machine": "m"})",
                         "p.plan");
      },
      {.input = "p.plan", .contains = "has a missing or malformed field"});
  const Graph g = make_zoo_model("squeezenet1.1", {.image = 32});
  testing::expect_error(
      [&] {
        Plan::compile(g, {.chosen = {{"features.0", "winograd"}}});
      },
      {.contains = "unknown infer.conv kernel 'winograd'"});
  testing::expect_error(
      [&] {
        Plan::compile(g, {.chosen = {{"features.0", "depthwise"}}});
      },
      {.input = "node 'features.0' (Conv)",
       .contains = "cannot run on the saved plan's kernel 'depthwise'"});
}

TEST(Plan, ShowsItsProgressWhenAsked) {
  std::FILE* stream = std::tmpfile();
  ASSERT_NE(stream, nullptr);
  const Graph g = make_zoo_model("squeezenet1.1", {.image = 32});
  Plan::compile(g,
                {.repetitions = 1, .progress = ProgressMode::kAlways, .progress_stream = stream});
  std::rewind(stream);
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), stream));
  std::fclose(stream);
  EXPECT_NE(text.find("plan squeezenet1.1"), std::string::npos) << text;
  EXPECT_NE(text.find("100%"), std::string::npos) << text;
}

TEST(Plan, RefusesInputsOfAnotherShape) {
  const Graph g = make_zoo_model("squeezenet1.1", {.image = 32});
  Plan plan = Plan::compile(g, {.repetitions = 1});
  testing::expect_error(
      [&] {
        plan.run({{"input", random_float({1, 3, 33, 32}, 1)}});
      },
      {.input = "squeezenet1.1", .contains = "where the model takes float32 [1, 3, 32, 32]"});
  testing::expect_error([&] { plan.run({}); },
                        {.input = "squeezenet1.1", .contains = "input 'input' is not given"});
}

// mnist-8 as imported (Conv, bias Adds, Reshape of a constant, MatMul): the plan's outputs are
// the test data's.
TEST(Plan, Mnist8GivesItsExpectedDigits) {
  const DataInput mnist = data_manifest().input("mnist-8");
  if (!mnist.present) GTEST_SKIP() << mnist.missing_reason;
  const auto data = mnist.path.parent_path() / "test_data_set_0";
  for (const bool passes : {false, true}) {
    Graph g = read_onnx(mnist.path);
    if (passes) g = run_passes(std::move(g), default_passes());
    Plan plan = Plan::compile(g, {.repetitions = 1});
    const TensorMap out = plan.run({{g.inputs[0].name, read_tensor_pb(data / "input_0.pb")}});
    const auto problem = compare_tensors(out.at(g.outputs[0].name),
                                         read_tensor_pb(data / "output_0.pb"), kDefaultRtol, 1e-5);
    EXPECT_FALSE(problem.has_value()) << "passes " << passes << ": " << problem.value_or("");
  }
}

// The light models' expected outputs are Softmaxes of logits that are equal in exact arithmetic:
// their initializers are constants, so every output channel sums the same terms. A GEMM that
// takes its last rows on another micro-kernel sums them in another order, and Softmax turns that
// rounding of logits near 5e9 (squeezenet's) into differences of 1e4 in the exponent. So the
// plan's logits are compared with log(expected) up to the shift Softmax removes (one per batch
// row): within `rtol` plus float32 rounding over the network, 1e-5 of the largest logit.
std::optional<std::string> compare_logits(const Tensor& logits, const Tensor& expected,
                                          double rtol) {
  const auto z = logits.data<float>();
  const auto p = expected.data<float>();
  if (z.size() != p.size() || logits.rank() < 2) return "the logits are not of the output's size";
  const std::size_t row = z.size() / static_cast<std::size_t>(logits.shape[0]);
  for (std::size_t first = 0; first < z.size(); first += row) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, largest = 0;
    for (std::size_t i = first; i < first + row; ++i) {
      largest = std::max(largest, std::abs(static_cast<double>(z[i])));
      if (p[i] < std::numeric_limits<float>::min()) continue;  // no exponent to compare with
      const double shift = z[i] - std::log(static_cast<double>(p[i]));
      lo = std::min(lo, shift), hi = std::max(hi, shift);
    }
    const double allowed = rtol + 1e-5 * largest;
    if (hi - lo > allowed)
      return "logits minus log(expected) spread over " + std::to_string(hi - lo) + " in row " +
             std::to_string(first / row) + ", more than " + std::to_string(allowed);
  }
  return std::nullopt;
}

// Whether `node` is a Softmax that normalises each batch row of its output (`shape`) as a whole:
// ONNX's axis 1 before opset 13; from 13 on, an axis whose fellow dimensions past the batch are 1.
bool softmax_over_batch_rows(const Graph& g, const Node& node,
                             std::span<const std::int64_t> shape) {
  if (node.op_type != "Softmax" || shape.size() < 2) return false;
  const auto rank = static_cast<std::int64_t>(shape.size());
  std::int64_t axis = node.attribute<std::int64_t>("axis", g.opset < 13 ? 1 : -1);
  if (axis < 0) axis += rank;
  if (g.opset < 13) return axis == 1;
  for (std::int64_t d = 1; d < rank; ++d) {
    if (d != axis && shape[static_cast<std::size_t>(d)] != 1) return false;
  }
  return axis >= 1;
}

// Models no plan was tuned for: the nine light_* models of the shared data (AlexNet, DenseNet,
// Inception v1 and v2, ResNet-50, ShuffleNet, SqueezeNet, VGG-19, ZFNet), after the passes, on
// the input the ONNX runner makes (arange(n) / n), against their expected outputs; the logits
// where the graph ends in a Softmax over axis 1 (compare_logits). Slow: the plans' reference
// steps (LRN, AveragePool, ...) run full-size.
TEST(Plan, SlowLightModelsMatchTheirOutputs) {
  for (const DataInput& model : data_manifest().set("light")) {
    if (!model.present) GTEST_SKIP() << model.missing_reason;
    Graph g = run_passes(read_onnx(model.path), default_passes());
    auto expected = model.path;
    expected.replace_filename(model.path.stem().string() + "_output_0.pb");
    const Tensor want = read_tensor_pb(expected);
    const Node& last = g.nodes.back();
    const bool softmax =
        last.outputs[0] == g.outputs[0].name && softmax_over_batch_rows(g, last, want.shape);
    if (softmax) g.outputs.push_back({last.inputs[0], DataType::kFloat32, want.shape});
    TensorMap inputs;
    for (const ValueInfo& in : g.inputs) {
      Tensor t(DataType::kFloat32, in.shape);
      auto d = t.data<float>();
      for (std::size_t i = 0; i < d.size(); ++i)
        d[i] = static_cast<float>(i) / static_cast<float>(d.size());
      inputs[in.name] = std::move(t);
    }
    const double rtol = model.id == "light_densenet121" ? 2e-3 : kDefaultRtol;
    Plan plan = Plan::compile(g, {.repetitions = 1});
    const TensorMap out = plan.run(inputs);
    const auto problem = softmax
                             ? compare_logits(out.at(last.inputs[0]), want, rtol)
                             : compare_tensors(out.at(g.outputs[0].name), want, rtol, kDefaultAtol);
    EXPECT_FALSE(problem.has_value()) << model.id << ": " << problem.value_or("");
  }
}

}  // namespace
}  // namespace tessera::infer
