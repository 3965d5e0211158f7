// The candidates of Gemm and MatMul: TW-GEMM offered where the constant weights are pruned
// tile-wise (transposed or not, scaled by alpha, with beta·C), timed beside OpenBLAS and oneDNN's
// inner product, each matching the reference, the choice kept by a saved plan; TW-GEMM not offered
// for dense weights. And the
// weights taken out as W (K, N) and put back, stored as the model stores them.
#include <gtest/gtest.h>

#include <algorithm>

#include "random_tensor.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/gemm_weights.hpp"
#include "tessera/infer/plan.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/tilewise/tile_pattern.hpp"

namespace tessera::infer {
namespace {

constexpr std::int64_t kM = 24, kK = 256, kN = 160;

// x (m, k) -> Gemm with weights W (k, n) pruned tile-wise to `sparsity` (0: dense), stored as B
// (n, k) when `trans_b`, alpha 0.5, beta 2 with a bias per column -> Relu; or MatMul.
Graph sparse_gemm_graph(double sparsity, bool trans_b, bool matmul) {
  Graph g;
  g.opset = 13;
  g.inputs.push_back({"x", DataType::kFloat32, {kM, kK}});
  const Tensor w = random_float({kK, kN}, 2);
  const tilewise::TilePattern pattern = tilewise::TilePattern::random(kK, kN, 64, sparsity, 3);
  const std::vector<bool> kept = pattern.mask();
  Tensor b(DataType::kFloat32,
           trans_b ? std::vector<std::int64_t>{kN, kK} : std::vector<std::int64_t>{kK, kN});
  for (std::int64_t r = 0; r < kK; ++r) {
    for (std::int64_t c = 0; c < kN; ++c) {
      const auto at = static_cast<std::size_t>(r * kN + c);
      b.data<float>()[static_cast<std::size_t>(trans_b ? c * kK + r : r * kN + c)] =
          kept[at] ? w.data<float>()[at] : 0.0f;
    }
  }
  g.constants["w"] = std::move(b);
  g.constants["bias"] = random_float({kN}, 4);
  Node gemm;
  gemm.name = "fc";
  gemm.op_type = matmul ? "MatMul" : "Gemm";
  gemm.inputs =
      matmul ? std::vector<std::string>{"x", "w"} : std::vector<std::string>{"x", "w", "bias"};
  gemm.outputs = {"h"};
  if (!matmul)
    gemm.attributes = {{"transB", std::int64_t{trans_b ? 1 : 0}}, {"alpha", 0.5f}, {"beta", 2.0f}};
  Node relu;
  relu.name = "relu";
  relu.op_type = "Relu";
  relu.inputs = {"h"};
  relu.outputs = {"y"};
  g.nodes = {gemm, relu};
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  return g;
}

// The plan of `g` with the Gemm on `kernel` (empty: timed), checked against the reference.
Plan checked_plan(const Graph& g, const std::string& kernel) {
  PlanOptions options;
  options.repetitions = 1;
  if (!kernel.empty()) options.chosen["fc"] = kernel;
  Plan plan = Plan::compile(g, options);
  const TensorMap inputs{{"x", random_float({kM, kK}, 5)}};
  const auto problem =
      compare_tensors(plan.run(inputs).at("y"), run_reference(g, inputs).at("y"), 1e-5, 1e-5);
  EXPECT_FALSE(problem.has_value()) << kernel << ": " << problem.value_or("");
  return plan;
}

TEST(SparseGemm, TileWiseWeightsGetTwGemmAsACandidateThatMatchesTheReference) {
  for (const bool matmul : {false, true}) {
    for (const bool trans_b : {false, true}) {
      if (matmul && trans_b) continue;
      const Graph g = sparse_gemm_graph(0.75, trans_b, matmul);
      const Plan timed = checked_plan(g, "");
      const PlanStep& step = timed.steps().front();
      // OpenBLAS, TW-GEMM, and oneDNN's inner product where the build has oneDNN.
      ASSERT_GE(step.candidates.size(), 2U);
      EXPECT_EQ(step.candidates[0].first, "openblas-sgemm");
      EXPECT_EQ(step.candidates[1].first, "tilewise-tw-gemm");
      for (const auto& [kernel, seconds] : step.candidates)
        EXPECT_EQ(checked_plan(g, kernel).steps().front().kernel, kernel);
    }
  }
}

TEST(SparseGemm, ASavedPlanKeepsTheChoiceAndDenseWeightsGetNoCandidate) {
  const Graph g = sparse_gemm_graph(0.9, true, false);
  const Plan timed = checked_plan(g, "");
  const PlanOptions replay = options_of(parse_saved_plan(save_plan(timed, g), "saved"));
  ASSERT_EQ(replay.chosen.count("fc"), 1U);
  EXPECT_EQ(replay.chosen.at("fc"), timed.steps().front().kernel);
  // Replayed, the plan runs that kernel untimed, and saves the choice again.
  const Plan replayed = Plan::compile(g, replay);
  EXPECT_EQ(replayed.steps().front().kernel, timed.steps().front().kernel);
  EXPECT_EQ(options_of(parse_saved_plan(save_plan(replayed, g), "again")).chosen.at("fc"),
            timed.steps().front().kernel);
  const Plan dense = checked_plan(sparse_gemm_graph(0.0, false, false), "");
  for (const auto& [kernel, seconds] : dense.steps().front().candidates)
    EXPECT_NE(kernel, "tilewise-tw-gemm");
  // A saved choice the node cannot take (dense weights have no TW-GEMM) is refused.
  PlanOptions wrong;
  wrong.chosen["fc"] = "tilewise-tw-gemm";
  testing::expect_error([&] { Plan::compile(sparse_gemm_graph(0.0, false, false), wrong); },
                        {.contains = "cannot run on the saved plan's kernel 'tilewise-tw-gemm'"});
}

TEST(GemmWeights, ComeOutAsKByNAndGoBackAsTheModelStoresThem) {
  Graph g = sparse_gemm_graph(0.0, true, false);  // B stored (N, K) under transB
  const Tensor w = gemm_weights(g, "w");
  ASSERT_EQ(w.shape, (std::vector<std::int64_t>{kK, kN}));
  EXPECT_EQ(w.data<float>()[1], g.constants.at("w").data<float>()[kK]);  // W(0, 1) = B(1, 0)
  // Pruned weights put back: the plan finds their pattern and matches the reference on them.
  const Graph pruned = sparse_gemm_graph(0.75, false, false);
  set_gemm_weights(g, "w", gemm_weights(pruned, "w"), "pruned.npy");
  EXPECT_EQ(g.constants.at("w").shape, (std::vector<std::int64_t>{kN, kK}));
  EXPECT_EQ(gemm_weights(g, "w").bytes, gemm_weights(pruned, "w").bytes);
  const auto candidates = checked_plan(g, "").steps().front().candidates;
  EXPECT_TRUE(std::any_of(candidates.begin(), candidates.end(),
                          [](const auto& c) { return c.first == "tilewise-tw-gemm"; }));

  using testing::expect_error;
  expect_error([&] { gemm_weights(g, "fc.weight"); },
               {.input = "initializer 'fc.weight'", .contains = "is not in the model"});
  expect_error([&] { gemm_weights(g, "bias"); },
               {.input = "initializer 'bias'", .contains = "is not a float32 matrix"});
  g.constants["other"] = random_float({kN, kK}, 9);
  expect_error([&] { gemm_weights(g, "other"); },
               {.contains = "is the weights (input B) of no Gemm or MatMul"});
  expect_error(
      [&] {
        set_gemm_weights(g, "w", random_float({kN, kK}, 9), "w.npy");
      },
      {.input = "w.npy", .contains = "but 'w' is W 256x160 (K x N)"});
}

}  // namespace
}  // namespace tessera::infer
