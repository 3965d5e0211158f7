// Conformance: every ONNX backend node test of a supported operator passes with the reference
// runtime; the light_* models and mnist-8 match their expected outputs. Skipped (visibly) where
// libonnx-testdata or the shared data folder is absent.
#include "tessera/infer/conformance.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tessera/infer/data_manifest.hpp"

namespace tessera::infer {
namespace {

TEST(Conformance, EveryNodeTestOfASupportedOperatorPasses) {
  const DataInput node = data_manifest().input("node-tests");
  if (!node.present) GTEST_SKIP() << node.missing_reason;
  std::size_t passed = 0, unsupported = 0;
  for (const auto& entry : std::filesystem::directory_iterator(node_test_root(node))) {
    if (!entry.is_directory()) continue;
    const CaseResult r = run_test_case(entry.path());
    EXPECT_NE(r.outcome, Outcome::kFailed) << r.name << ": " << r.detail;
    passed += r.outcome == Outcome::kPassed ? 1 : 0;
    unsupported += r.outcome == Outcome::kUnsupported ? 1 : 0;
  }
  std::cout << passed << " node tests passed, " << unsupported << " unsupported\n";
  EXPECT_GT(passed, 100u);
}

// Slow: the reference kernels take minutes over these full-size networks.
TEST(Conformance, SlowLightModelsAndMnistMatchTheirOutputs) {
  for (const DataInput& model : data_manifest().set("light")) {
    if (!model.present) GTEST_SKIP() << model.missing_reason;
    auto expected = model.path;
    expected.replace_filename(model.path.stem().string() + "_output_0.pb");
    const CaseResult r = run_light_model(model.path, expected,
                                         model.id == "light_densenet121" ? 2e-3 : kDefaultRtol);
    EXPECT_EQ(r.outcome, Outcome::kPassed) << r.name << ": " << r.detail;
  }
  const DataInput mnist = data_manifest().input("mnist-8");
  if (!mnist.present) GTEST_SKIP() << mnist.missing_reason;
  const CaseResult r = run_test_case(mnist.path.parent_path());
  EXPECT_EQ(r.outcome, Outcome::kPassed) << r.detail;
}

}  // namespace
}  // namespace tessera::infer
