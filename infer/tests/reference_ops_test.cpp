// Reference operators on small cases worked out by hand: broadcasting, MatMul and Gemm variants,
// Conv and pooling windows, Softmax before and after opset 13, and the shape operators.
#include <gtest/gtest.h>

#include <cmath>

#include "tessera/infer/reference.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::infer {
namespace {

// Runs one node of `op` over inputs x0, x1, ... (constants named by position) at `opset`.
Tensor run_one(const std::string& op, std::vector<Tensor> inputs,
               std::map<std::string, Attribute, std::less<>> attributes = {},
               std::int64_t opset = 13, std::vector<std::string> input_names = {}) {
  Graph g;
  g.name = "test";
  g.opset = opset;
  Node node;
  node.name = "n";
  node.op_type = op;
  node.attributes = std::move(attributes);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = i < input_names.size() ? input_names[i] : "x" + std::to_string(i);
    node.inputs.push_back(name);
    if (!name.empty()) g.constants[name] = inputs[i];
  }
  node.outputs = {"y"};
  g.nodes.push_back(node);
  g.outputs.push_back({"y", DataType::kFloat32, {}});
  return run_reference(g, {}).at("y");
}

std::vector<float> values(const Tensor& t) {
  const auto d = t.data<float>();
  return {d.begin(), d.end()};
}

TEST(ReferenceOps, AddBroadcastsARowOverAMatrix) {
  const Tensor y =
      run_one("Add", {make_float({2, 3}, {1, 2, 3, 4, 5, 6}), make_float({3}, {10, 20, 30})});
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(values(y), (std::vector<float>{11, 22, 33, 14, 25, 36}));
}

TEST(ReferenceOps, SubBroadcastsBothWays) {
  const Tensor y = run_one("Sub", {make_float({2, 1}, {1, 2}), make_float({1, 3}, {1, 2, 3})});
  EXPECT_EQ(values(y), (std::vector<float>{0, -1, -2, 1, 0, -1}));
}

TEST(ReferenceOps, MatMulBroadcastsBatchesAndPromotesVectors) {
  // (2, 1, 2) x (2, 1): each batch's row times the column.
  const Tensor y =
      run_one("MatMul", {make_float({2, 1, 2}, {1, 2, 3, 4}), make_float({2, 1}, {5, 6})});
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{2, 1, 1}));
  EXPECT_EQ(values(y), (std::vector<float>{17, 39}));
  const Tensor v = run_one("MatMul", {make_float({2}, {1, 2}), make_float({2, 2}, {1, 2, 3, 4})});
  EXPECT_EQ(v.shape, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(values(v), (std::vector<float>{7, 10}));
}

TEST(ReferenceOps, GemmTransposesScalesAndBroadcastsC) {
  // A^T (2x2) · B^T (2x2) · 2 + 0.5 · C (a row).
  const Tensor y = run_one(
      "Gemm",
      {make_float({2, 2}, {1, 2, 3, 4}), make_float({2, 2}, {1, 0, 0, 1}), make_float({2}, {2, 4})},
      {{"transA", std::int64_t{1}}, {"transB", std::int64_t{1}}, {"alpha", 2.0f}, {"beta", 0.5f}});
  // A^T = [[1,3],[2,4]]; times I; times 2 = [[2,6],[4,8]]; plus [1,2].
  EXPECT_EQ(values(y), (std::vector<float>{3, 8, 5, 10}));
}

TEST(ReferenceOps, ConvWithPaddingStrideAndGroups) {
  // One 3x3 image of ones, a 2x2 kernel of ones, pads 1, stride 2: corners see 1 pixel, ...
  const Tensor x = make_float({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  const Tensor w = make_float({1, 1, 2, 2}, {1, 1, 1, 1});
  const Tensor y = run_one("Conv", {x, w},
                           {{"pads", std::vector<std::int64_t>{1, 1, 1, 1}},
                            {"strides", std::vector<std::int64_t>{2, 2}}});
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(values(y), (std::vector<float>{1, 2, 2, 4}));
  // Two groups: each output channel sees only its own input channel.
  const Tensor x2 = make_float({1, 2, 1, 1}, {3, 5});
  const Tensor w2 = make_float({2, 1, 1, 1}, {2, 10});
  const Tensor b2 = make_float({2}, {1, 1});
  EXPECT_EQ(values(run_one("Conv", {x2, w2, b2}, {{"group", std::int64_t{2}}})),
            (std::vector<float>{7, 51}));
}

TEST(ReferenceOps, AveragePoolCountsPaddingOnlyWhenAsked) {
  const Tensor x = make_float({1, 1, 2, 2}, {1, 2, 3, 4});
  const std::map<std::string, Attribute, std::less<>> base{
      {"kernel_shape", std::vector<std::int64_t>{2, 2}},
      {"pads", std::vector<std::int64_t>{1, 1, 0, 0}}};
  auto with_pad = base;
  with_pad["count_include_pad"] = std::int64_t{1};
  // The first window covers one pixel (1) and three of padding.
  EXPECT_FLOAT_EQ(values(run_one("AveragePool", {x}, base))[0], 1.0f);
  EXPECT_FLOAT_EQ(values(run_one("AveragePool", {x}, with_pad))[0], 0.25f);
  EXPECT_EQ(values(run_one("MaxPool", {x}, base)), (std::vector<float>{1, 2, 3, 4}));
}

TEST(ReferenceOps, SoftmaxAxisMeaningChangedAtOpset13) {
  const Tensor x = make_float({2, 2}, {0, 0, 0, std::log(3.0f)});
  // Opset 13: along the last axis (rows sum to 1); opset 11, axis 0: over the coerced [1, 4] rows.
  EXPECT_EQ(values(run_one("Softmax", {x}, {{"axis", std::int64_t{1}}}, 13)),
            (std::vector<float>{0.5f, 0.5f, 0.25f, 0.75f}));
  const std::vector<float> old = values(run_one("Softmax", {x}, {{"axis", std::int64_t{0}}}, 11));
  EXPECT_FLOAT_EQ(old[0], 1.0f / 6);
  EXPECT_FLOAT_EQ(old[3], 3.0f / 6);
}

TEST(ReferenceOps, ReshapeCopiesZerosAndInfersMinusOne) {
  const Tensor y = run_one(
      "Reshape", {make_float({2, 3, 4}, std::vector<float>(24, 0)), make_int64({3}, {0, -1, 2})});
  EXPECT_EQ(y.shape, (std::vector<std::int64_t>{2, 6, 2}));
  testing::expect_error(
      [&] {
        run_one("Reshape", {make_float({2, 3}, std::vector<float>(6)), make_int64({1}, {4})});
      },
      {.contains = "cannot reshape [2, 3] to [4]"});
}

TEST(ReferenceOps, TransposeConcatAndGather) {
  const Tensor t = run_one("Transpose", {make_float({2, 3}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(t.shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(values(t), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  const Tensor c = run_one("Concat", {make_float({2, 1}, {1, 2}), make_float({2, 2}, {3, 4, 5, 6})},
                           {{"axis", std::int64_t{-1}}});
  EXPECT_EQ(values(c), (std::vector<float>{1, 3, 4, 2, 5, 6}));
  const Tensor g =
      run_one("Gather", {make_float({3, 2}, {1, 2, 3, 4, 5, 6}), make_int64({2}, {-1, 0})});
  EXPECT_EQ(values(g), (std::vector<float>{5, 6, 1, 2}));
}

TEST(ReferenceOps, SqueezeAxesMovedFromAttributeToInputAtOpset13) {
  const Tensor x = make_float({1, 2, 1}, {1, 2});
  EXPECT_EQ(run_one("Squeeze", {x}, {{"axes", std::vector<std::int64_t>{0}}}, 11).shape,
            (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(run_one("Squeeze", {x, make_int64({1}, {-1})}, {}, 13).shape,
            (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(run_one("Unsqueeze", {x, make_int64({1}, {0})}, {}, 13).shape,
            (std::vector<std::int64_t>{1, 1, 2, 1}));
}

TEST(ReferenceOps, BadInputsNameTheNode) {
  testing::expect_error(
      [] {
        run_one("Add", {make_float({2}, {1, 2}), make_float({3}, {1, 2, 3})});
      },
      {.input = "node 'n' (Add)", .contains = "cannot broadcast [2] with [3]"});
  testing::expect_error(
      [] {
        run_one("MatMul", {make_float({2, 3}, std::vector<float>(6)),
                           make_float({2, 3}, std::vector<float>(6))});
      },
      {.input = "node 'n' (MatMul)"});
}

}  // namespace
}  // namespace tessera::infer
