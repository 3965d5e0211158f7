// The blocked-layout convolution kernels as loop nests with schedules: built-in and generated ones
// against the scalar reference, schedule keys, the check rejecting a wrong kernel, and a plan whose
// convolution tasks are tuned once, then read back from the tuning log, then replayed from a saved
// plan.
#include "../src/conv_tuning.hpp"

#include <gtest/gtest.h>

#include "random_tensor.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/plan.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/scoped_env.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::infer::detail {
namespace {

using testing::expect_error;

TEST(ConvKernels, BuiltInKernelsMatchTheReference) {
  for (const bool depthwise : {false, true}) {
    ASSERT_FALSE(builtin_conv_kernels(depthwise).empty());
    for (const ConvKernel& k : builtin_conv_kernels(depthwise)) {
      EXPECT_TRUE(conv_kernel_matches_reference(k)) << k.schedule.key();
      EXPECT_EQ(ConvSchedule::parse(k.schedule.key()), k.schedule);
      EXPECT_NO_THROW(conv_config_of(conv_search_space(depthwise), k.schedule, "built in"));
    }
  }
  EXPECT_FALSE(ConvSchedule::parse("direct_w16_ocb2_owb14_icb0").has_value());
  EXPECT_FALSE(ConvSchedule::parse("depthwise_w16_owb14_x").has_value());
}

// The first built-in kernel, but forgetting the activation.
template <bool Depthwise>
void without_activation(const ConvCall* call) {
  ConvCall without = *call;
  without.activation = 0;
  builtin_conv_kernels(Depthwise).front().run(&without);
}

TEST(ConvKernels, TheCheckRejectsAWrongKernel) {
  for (const bool depthwise : {false, true}) {
    ConvKernel wrong = builtin_conv_kernels(depthwise).front();
    wrong.run = depthwise ? &without_activation<true> : &without_activation<false>;
    EXPECT_FALSE(conv_kernel_matches_reference(wrong)) << depthwise;
  }
}

TEST(ConvCodegen, GeneratedKernelsMatchTheReference) {
  const testing::TempDir dir;
  std::optional<KernelCompiler> compiler = KernelCompiler::find(dir.path().string());
  if (!compiler) GTEST_SKIP() << "no C++ compiler runs here: the built-in kernels serve";
  // Unlike the built-in ones: every vector width, each unroll, input channels in chunks of 1 and
  // 2, one-block and four-block tiles, wide and narrow pixel tiles.
  std::vector<ConvSchedule> schedules;
  const tune::SearchSpace space = conv_search_space(false);
  for (const std::int64_t w : space.knobs()[0].values) {
    const int v = static_cast<int>(w);
    schedules.push_back({false, v, 1, 16, 1, 1});
    schedules.push_back({false, v, 4, 2, 2, 2});
    schedules.push_back({false, v, 3, 6, 0, 4});
    schedules.push_back({true, v, 2, 4, 0, 4});
    schedules.push_back({true, v, 2, 16, 0, 4});
  }
  const std::string source = generated_conv_source(schedules).text();
  EXPECT_NE(source.find("struct DirectConvLoopNest"), std::string::npos);
  EXPECT_NE(source.find("tessera_conv_" + schedules[0].key()), std::string::npos);
  for (const ConvKernel& k : generated_conv_kernels(*compiler, schedules)) {
    EXPECT_TRUE(k.generated);
    EXPECT_TRUE(conv_kernel_matches_reference(k)) << k.schedule.key();
  }
  EXPECT_EQ(compiler->compilations(), 1);  // one translation unit for the batch
}

TEST(ConvTuning, ASavedPlanWithAScheduleOfAnotherMachineIsRefused) {
  TunedSchedules tuned("", std::nullopt);
  ConvKernelSource source(tuned);
  expect_error(
      [&] { source.kernel_of("direct_w32_ocb2_owb14_icb0_u4"); },
      {.input = "schedule 'direct_w32_ocb2_owb14_icb0_u4'", .contains = "sets knob 'w' to 32"});
  expect_error([&] { source.kernel_of("mr4_nv2_w8_u2_kc256_nc1024_o0_p0"); },
               {.contains = "is not a blocked convolution schedule"});
  const ConvKernel builtin = builtin_conv_kernels(true).back();
  EXPECT_EQ(source.kernel_of(builtin.schedule.key()).schedule, builtin.schedule);
}

// A 3x3 convolution with Relu, then a depthwise 3x3 one of stride 2.
Graph direct_then_depthwise() {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {1, 8, 12, 12}});
  g.constants["w1"] = random_float({16, 8, 3, 3}, 2);
  g.constants["b1"] = random_float({16}, 3);
  g.constants["w2"] = random_float({16, 1, 3, 3}, 4);
  Node direct;
  direct.name = "direct";
  direct.op_type = "FusedConv";
  direct.inputs = {"x", "w1", "b1"};
  direct.outputs = {"h"};
  direct.attributes = {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}},
                       {"activation", std::string("Relu")}};
  Node depthwise;
  depthwise.name = "depthwise";
  depthwise.op_type = "Conv";
  depthwise.inputs = {"h", "w2"};
  depthwise.outputs = {"y"};
  depthwise.attributes = {{"group", std::int64_t{16}},
                          {"strides", std::vector<std::int64_t>{2, 2}},
                          {"pads", std::vector<std::int64_t>{1, 1, 1, 1}}};
  g.nodes = {direct, depthwise};
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  return g;
}

TEST(ConvTuning, APlanTunesItsConvolutionsOnceAndThenReadsTheLog) {
  const testing::TempDir dir;
  const testing::ScopedEnv cache("TESSERA_CACHE_DIR");
  cache.set((dir / "kernels").string());
  if (!KernelCompiler::find()) GTEST_SKIP() << "no C++ compiler runs here";
  const Graph g = direct_then_depthwise();
  PlanOptions options;
  options.conv_kernels = {"blocked-direct", "blocked-depthwise"};
  options.repetitions = 1;
  options.tuning_log = (dir / "tuning.jsonl").string();
  options.tuning = tune::TuneOptions{.search = "ga", .trials = 4, .batch = 4, .finalists = 2};
  const Plan tuned = Plan::compile(g, options);
  ASSERT_EQ(tuned.kernel_sources().size(), 2U);
  for (const auto& [task, source] : tuned.kernel_sources()) {
    EXPECT_EQ(task.rfind("conv ", 0), 0U) << task;
    EXPECT_EQ(source, "tuned (ga, 4 trials)") << task;
  }
  const std::size_t records = tune::TuningLog::open(options.tuning_log).records().size();
  EXPECT_EQ(records, 2U * 5);  // 4 trials and a final each
  Plan again = Plan::compile(g, options);
  for (const auto& [task, source] : again.kernel_sources()) EXPECT_EQ(source, "from the log");
  EXPECT_EQ(tune::TuningLog::open(options.tuning_log).records().size(), records);
  const TensorMap inputs{{"x", random_float({1, 8, 12, 12}, 5)}};
  const TensorMap want = run_reference(g, inputs), got = again.run(inputs);
  const auto problem = compare_tensors(got.at("y"), want.at("y"), 1e-4, 1e-4);
  EXPECT_FALSE(problem.has_value()) << problem.value_or("");
  // A saved plan carries the schedules: run again without the log, it uses the same kernels.
  const SavedPlan saved = parse_saved_plan(save_plan(again, g), "saved");
  Plan replayed = Plan::compile(g, options_of(saved));
  for (std::size_t i = 0; i < saved.steps.size(); ++i) {
    EXPECT_FALSE(saved.steps[i].schedule.empty()) << saved.steps[i].node;
    EXPECT_EQ(replayed.steps()[i].schedule, again.steps()[i].schedule) << saved.steps[i].node;
  }
  EXPECT_TRUE(replayed.kernel_sources().empty());
  EXPECT_EQ(replayed.run(inputs).at("y").bytes, got.at("y").bytes);
  // A saved plan whose schedule is of the other loop nest is refused.
  PlanOptions mixed_up = options_of(saved);
  mixed_up.schedules["direct"] = builtin_conv_kernels(true).front().schedule.key();
  expect_error([&] { Plan::compile(g, mixed_up); },
               {.contains = "is not a schedule of the direct blocked convolution"});
}

}  // namespace
}  // namespace tessera::infer::detail
