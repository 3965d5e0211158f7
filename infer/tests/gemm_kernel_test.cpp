// The loop-nest GEMM kernels: built-in and generated ones against the scalar reference, the
// generator's disk cache, a compiler that fails, no compiler at all, and a plan whose GEMM tasks
// are tuned once and then read back from the tuning log.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "../src/gemm_tuning.hpp"
#include "../src/kernel_codegen.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/model_zoo.hpp"
#include "tessera/infer/passes.hpp"
#include "tessera/infer/plan.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/scoped_env.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::infer::detail {
namespace {

using testing::expect_error;

// Schedules unlike the built-in ones: every vector width this CPU has, both loop orders, both
// parallel axes, each unroll factor, small and large blocks.
std::vector<GemmSchedule> varied_schedules() {
  std::vector<GemmSchedule> out;
  const tune::SearchSpace space = gemm_search_space();
  for (const std::int64_t w : space.knobs()[2].values) {
    const int v = static_cast<int>(w);
    out.push_back({2, 3, v, 4, 64, 256, 1, 1});
    out.push_back({6, 1, v, 1, 512, 2048, 0, 1});
    out.push_back({8, 4, v, 2, 128, 512, 1, 0});
  }
  return out;
}

TEST(GemmKernels, BuiltInKernelsMatchTheReference) {
  ASSERT_EQ(builtin_gemm_schedules().size(), 16U);
  for (const GemmSchedule& s : builtin_gemm_schedules()) {
    const std::optional<GemmKernel> kernel = builtin_gemm_kernel(s);
    ASSERT_TRUE(kernel.has_value());
    EXPECT_TRUE(gemm_kernel_matches_reference(*kernel)) << s.key();
  }
  const GemmSchedule fallback = default_gemm_schedule({64, 3136, 576});
  EXPECT_TRUE(builtin_gemm_kernel(fallback).has_value()) << fallback.key();
}

TEST(GemmKernels, TheCheckRejectsAWrongKernel) {
  GemmKernel wrong = *builtin_gemm_kernel(builtin_gemm_schedules().front());
  wrong.run = [](const GemmCall* call) {  // forgets the bias
    GemmCall without = *call;
    without.bias = nullptr;
    builtin_gemm_kernel(builtin_gemm_schedules().front())->run(&without);
  };
  EXPECT_FALSE(gemm_kernel_matches_reference(wrong));
}

TEST(GemmCodegen, GeneratedKernelsMatchTheReferenceAndAreCachedOnDisk) {
  const testing::TempDir dir;
  std::optional<KernelCompiler> compiler = KernelCompiler::find(dir.path().string());
  if (!compiler) GTEST_SKIP() << "no C++ compiler runs here: the built-in kernels serve";
  const std::vector<GemmSchedule> schedules = varied_schedules();
  const std::string source = generated_gemm_source(schedules).text();
  EXPECT_NE(source.find("struct GemmLoopNest"), std::string::npos);
  EXPECT_NE(source.find("tessera_gemm_" + schedules[0].key()), std::string::npos);
  for (const GemmKernel& k : generated_gemm_kernels(*compiler, schedules)) {
    EXPECT_TRUE(k.generated);
    EXPECT_TRUE(gemm_kernel_matches_reference(k)) << k.schedule.key();
  }
  EXPECT_EQ(compiler->compilations(), 1);  // one translation unit for the batch
  generated_gemm_kernels(*compiler, {schedules[1]});
  EXPECT_EQ(compiler->compilations(), 1);  // loaded already
  std::optional<KernelCompiler> again = KernelCompiler::find(dir.path().string());
  const std::vector<GemmKernel> cached = generated_gemm_kernels(*again, schedules);
  EXPECT_EQ(again->compilations(), 0);  // the shared object on disk
  EXPECT_TRUE(gemm_kernel_matches_reference(cached.back()));
  std::size_t objects = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    objects += entry.path().extension() == ".so" ? 1 : 0;
  EXPECT_EQ(objects, 1U);  // and nothing else left behind
  EXPECT_EQ(dir.listing().size(), 1U);
}

TEST(GemmCodegen, ACompilerThatFailsIsReportedWithItsMessages) {
  const testing::TempDir dir;
  const testing::ScopedEnv cxx("TESSERA_CODEGEN_CXX");
  cxx.set("c++ -include /nonexistent/tessera-missing.h");
  std::optional<KernelCompiler> compiler = KernelCompiler::find(dir.path().string());
  if (!compiler) GTEST_SKIP() << "no C++ compiler runs here";
  expect_error([&] { generated_gemm_kernels(*compiler, {varied_schedules().front()}); },
               {.contains = "tessera-missing.h"});
  EXPECT_TRUE(dir.listing().empty());  // no partial output
}

TEST(GemmCodegen, WithoutACompilerTheBuiltInKernelsServe) {
  const testing::ScopedEnv cxx("TESSERA_CODEGEN_CXX");
  cxx.set("none");
  EXPECT_FALSE(KernelCompiler::find().has_value());
  TunedSchedules tuned("", std::nullopt);
  GemmKernelSource source(tuned);
  const GemmKernel k = source.kernel_for({64, 3136, 576});
  EXPECT_FALSE(k.generated);
  EXPECT_TRUE(gemm_kernel_matches_reference(k));
  expect_error([] { TunedSchedules("", tune::TuneOptions{}); },
               {.input = "tuning", .contains = "needs a C++ compiler"});
}

TEST(GemmTuning, APlanTunesItsTasksOnceAndThenReadsTheLog) {
  const testing::TempDir dir;
  const testing::ScopedEnv cache("TESSERA_CACHE_DIR");
  cache.set((dir / "kernels").string());
  if (!KernelCompiler::find()) GTEST_SKIP() << "no C++ compiler runs here";
  const Graph g = run_passes(make_zoo_model("squeezenet1.1", {.image = 32}), default_passes());
  PlanOptions options;
  options.conv_kernels = {"generated-gemm"};
  options.repetitions = 1;
  options.tuning_log = (dir / "tuning.jsonl").string();
  options.tuning = tune::TuneOptions{.search = "ga", .trials = 4, .batch = 4, .finalists = 2};
  const Plan tuned = Plan::compile(g, options);
  ASSERT_FALSE(tuned.kernel_sources().empty());
  for (const auto& [task, source] : tuned.kernel_sources())
    EXPECT_EQ(source, "tuned (ga, 4 trials)") << task;
  const std::size_t records = tune::TuningLog::open(options.tuning_log).records().size();
  EXPECT_EQ(records, tuned.kernel_sources().size() * 5);  // 4 trials and a final each
  Plan again = Plan::compile(g, options);
  for (const auto& [task, source] : again.kernel_sources())
    EXPECT_EQ(source, "from the log") << task;
  EXPECT_EQ(tune::TuningLog::open(options.tuning_log).records().size(), records);
  const TensorMap inputs = random_inputs(g, 3);
  const TensorMap want = run_reference(g, inputs), got = again.run(inputs);
  for (const auto& [name, tensor] : want) {
    const auto problem = compare_tensors(got.at(name), tensor, 1e-4, 1e-4);
    EXPECT_FALSE(problem.has_value()) << problem.value_or("");
  }
  // A saved plan carries the schedules: run again without the log, it uses the same kernels.
  const SavedPlan saved = parse_saved_plan(save_plan(again, g), "saved");
  Plan replayed = Plan::compile(g, options_of(saved));
  std::size_t scheduled = 0;
  for (std::size_t i = 0; i < saved.steps.size(); ++i) {
    EXPECT_EQ(saved.steps[i].schedule.empty(), saved.steps[i].kernel != "generated-gemm");
    EXPECT_EQ(replayed.steps()[i].schedule, again.steps()[i].schedule) << saved.steps[i].node;
    scheduled += saved.steps[i].schedule.empty() ? 0 : 1;
  }
  EXPECT_GT(scheduled, 0U);
  EXPECT_TRUE(replayed.kernel_sources().empty());  // nothing tuned, nothing read from a log
  EXPECT_EQ(replayed.run(inputs).begin()->second.bytes, got.begin()->second.bytes);
}

TEST(GemmTuning, ASavedPlanWithAScheduleOfAnotherMachineIsRefused) {
  TunedSchedules tuned("", std::nullopt);
  GemmKernelSource source(tuned);
  expect_error(
      [&] { source.kernel_of("mr4_nv2_w32_u2_kc256_nc1024_o0_p0"); },
      {.input = "schedule 'mr4_nv2_w32_u2_kc256_nc1024_o0_p0'", .contains = "sets knob 'w' to 32"});
  expect_error([&] { source.kernel_of("fast"); },
               {.input = "schedule 'fast'", .contains = "is not a GEMM schedule"});
  const GemmSchedule builtin = builtin_gemm_schedules().back();
  EXPECT_EQ(source.kernel_of(builtin.key()).schedule, builtin);
  EXPECT_EQ(GemmSchedule::parse(builtin.key()), builtin);
}

}  // namespace
}  // namespace tessera::infer::detail
