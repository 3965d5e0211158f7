// Shape recognition against the observer's truth: no false verdict on the suite of shapes and
// near misses (every turn and mirror, random frames), nor on blobs, holes, lines, n = 1 and 2, for
// every target;
// triangles in 2 rounds and parallelograms in 5 whatever n; linear and polynomial side ratios in
// rounds that grow with log n. The observer's truth itself is checked on generated shapes.
#include "tessera/amoebot/algorithms/shape_recognition.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "tessera/amoebot/recognition_suite.hpp"
#include "tessera/amoebot/shape_truth.hpp"
#include "tessera/amoebot/simulator.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::amoebot {
namespace {

using Target = ShapeRecognition::Target;

struct Verdict {
  bool accepted = false;
  std::int64_t rounds = -1;
};

Verdict recognise(const Structure& s, Target target, int ratio, std::uint64_t seed) {
  Simulator<ShapeRecognition> sim(s, seed, ShapeRecognition::initial(target, ratio));
  const auto rounds = sim.run(100000);
  EXPECT_TRUE(rounds.has_value());
  const bool accepted = sim.states()[0].accepted;
  for (const auto& state : sim.states()) EXPECT_EQ(state.accepted, accepted);
  return {accepted, rounds.value_or(-1)};
}

TEST(ShapeTruth, KnowsTheGeneratedShapes) {
  EXPECT_EQ(shape_truth(make_shape("triangle:7", 1)).triangle_side, 7);
  EXPECT_EQ(shape_truth(make_shape("parallelogram:3x9", 1)).a, 3);
  EXPECT_EQ(shape_truth(make_shape("parallelogram:3x9", 1)).b, 9);
  EXPECT_EQ(shape_truth(make_shape("hexagon:5", 1)).hexagon_side, 5);
  EXPECT_EQ(shape_truth(parse_structure("0 0\n1 0\n2 0\n0 1\n1 1\n", "z")).trapezoid_leg, 1);
  EXPECT_EQ(shape_truth(make_shape("triangle:7", 1)).trapezoid_leg, 0);
  EXPECT_EQ(shape_truth(make_shape("hexagon:5", 1)).triangle_side, 0);
  for (const char* other : {"hexagon:3", "line:5", "line:1", "blob:50", "triangle:0"}) {
    const ShapeTruth t = shape_truth(make_shape(other, 1));
    EXPECT_EQ(t.triangle_side, 0) << other;
    EXPECT_EQ(t.a, 0) << other;
  }
  for (std::uint64_t seed = 0; seed < 12; ++seed) {  // every turn and mirror
    const auto suite = recognition_suite(ShapeRecognition::kLinearRatio, 3, 200, seed);
    EXPECT_TRUE(shape_truth(suite[0].structure).accepts(ShapeRecognition::kLinearRatio, 3));
    const auto triangles = recognition_suite(ShapeRecognition::kTriangle, 1, 200, seed);
    EXPECT_GT(shape_truth(triangles[0].structure).triangle_side, 0);
  }
}

TEST(ShapeRecognition, NoFalseVerdictOnTheSuite) {
  const std::pair<Target, int> targets[] = {
      {ShapeRecognition::kTriangle, 1},        {ShapeRecognition::kParallelogram, 1},
      {ShapeRecognition::kLinearRatio, 1},     {ShapeRecognition::kLinearRatio, 2},
      {ShapeRecognition::kLinearRatio, 5},     {ShapeRecognition::kPolynomialRatio, 2},
      {ShapeRecognition::kPolynomialRatio, 3}, {ShapeRecognition::kRhombus, 1},
      {ShapeRecognition::kTrapezoid, 1},       {ShapeRecognition::kHexagon, 1}};
  for (const auto& [target, ratio] : targets)
    for (const std::int64_t n : {16, 100, 700})
      for (std::uint64_t seed = 0; seed < 12; ++seed) {
        const std::vector<Specimen> suite = recognition_suite(target, ratio, n, seed);
        ASSERT_EQ(suite.size(), recognition_suite_size(target));
        ASSERT_TRUE(shape_truth(suite[0].structure).accepts(target, ratio)) << suite[0].name;
        for (const Specimen& specimen : suite) {
          const bool truth = shape_truth(specimen.structure).accepts(target, ratio);
          EXPECT_EQ(recognise(specimen.structure, target, ratio, seed + 1).accepted, truth)
              << "target " << int(target) << " ratio " << ratio << ": " << specimen.name
              << ", seed " << seed;
        }
      }
}

TEST(ShapeRecognition, RightOnOtherStructures) {
  for (const char* shape :
       {"line:1", "line:2", "line:9", "blob:300", "holes:500", "spiral:200", "comb:5", "hexagon:4"})
    for (const auto& [target, k] :
         {std::pair{ShapeRecognition::kTriangle, 1}, std::pair{ShapeRecognition::kParallelogram, 1},
          std::pair{ShapeRecognition::kLinearRatio, 1},
          std::pair{ShapeRecognition::kPolynomialRatio, 2},
          std::pair{ShapeRecognition::kRhombus, 1}, std::pair{ShapeRecognition::kTrapezoid, 1},
          std::pair{ShapeRecognition::kHexagon, 1}}) {
      const Structure s = make_shape(shape, 3);
      EXPECT_EQ(recognise(s, target, k, 3).accepted, shape_truth(s).accepts(target, k))
          << shape << ", target " << int(target);
    }
  EXPECT_TRUE(recognise(make_shape("triangle:1", 1), ShapeRecognition::kTriangle, 1, 1).accepted);
  EXPECT_TRUE(
      recognise(make_shape("parallelogram:1x1", 1), ShapeRecognition::kLinearRatio, 1, 1).accepted);
  EXPECT_TRUE(recognise(make_shape("hexagon:4", 1), ShapeRecognition::kHexagon, 1, 1).accepted);
}

TEST(ShapeRecognition, ShapesOfTrianglesInConstantRounds) {
  for (const std::int64_t side : {4, 40, 400}) {
    const Structure t = make_shape(fmt::format("triangle:{}", side), 1);
    const auto accepted_in = [](const Verdict& v, std::int64_t rounds) {
      return v.accepted && v.rounds == rounds;
    };
    EXPECT_TRUE(accepted_in(recognise(t, ShapeRecognition::kTriangle, 1, 2), 2));
    const Structure p = make_shape(fmt::format("parallelogram:{}x{}", side, side / 2), 1);
    EXPECT_TRUE(accepted_in(recognise(p, ShapeRecognition::kParallelogram, 1, 2), 5));
    const Structure r = make_shape(fmt::format("parallelogram:{}x{}", side, side), 1);
    EXPECT_TRUE(accepted_in(recognise(r, ShapeRecognition::kRhombus, 1, 2), 7));
    const Structure h = make_shape(fmt::format("hexagon:{}", side / 2), 1);
    EXPECT_TRUE(accepted_in(recognise(h, ShapeRecognition::kHexagon, 1, 2), 8));
    const Structure z =
        recognition_suite(ShapeRecognition::kTrapezoid, 1, side * side, 3)[0].structure;
    EXPECT_TRUE(accepted_in(recognise(z, ShapeRecognition::kTrapezoid, 1, 2), 8));
  }
}

// Every convex hexagon with 120-degree corners and sides up to 5: only the regular ones pass.
TEST(ShapeRecognition, OnlyRegularHexagonsAmongAllSmallOnes) {
  constexpr Axial kSteps[6] = {{1, 0}, {0, 1}, {-1, 1}, {-1, 0}, {0, -1}, {1, -1}};
  int hexagons = 0;
  for (int code = 0; code < 5 * 5 * 5 * 5 * 5 * 5; ++code) {
    int side[6], rest = code;
    for (int& l : side) l = rest % 5 + 1, rest /= 5;
    // Corners walked counter-clockwise; the hexagon closes when the sides do.
    Axial at{0, 0};
    for (int i = 0; i < 6; ++i) at = {at.x + side[i] * kSteps[i].x, at.y + side[i] * kSteps[i].y};
    if (!(at == Axial{0, 0})) continue;
    // Its nodes: those on the inner side of the six side lines.
    std::vector<Axial> nodes;
    for (std::int32_t y = -15; y <= 15; ++y)
      for (std::int32_t x = -15; x <= 15; ++x) {
        Axial corner{0, 0};
        bool inside = true;
        for (int i = 0; i < 6 && inside; ++i) {
          // Left of the side (the axial map keeps orientation): the interior.
          const Axial d = kSteps[i], p{x - corner.x, y - corner.y};
          inside = d.x * p.y - d.y * p.x >= 0;
          corner = {corner.x + side[i] * d.x, corner.y + side[i] * d.y};
        }
        if (inside) nodes.push_back({x, y});
      }
    ++hexagons;
    const Structure s(std::move(nodes));
    const bool regular = side[0] == side[1] && side[1] == side[2] && side[2] == side[3];
    ASSERT_EQ(shape_truth(s).hexagon_side > 0, regular);
    EXPECT_EQ(recognise(s, ShapeRecognition::kHexagon, 1, 4).accepted, regular)
        << side[0] << side[1] << side[2] << side[3] << side[4] << side[5];
  }
  EXPECT_GT(hexagons, 100);
}

// Mean rounds over 5 seeds of recognising `target` k on a small and a large parallelogram.
std::pair<double, double> rounds_small_and_large(Target target, int k, const char* small,
                                                 const char* large) {
  double r[2] = {0, 0};
  for (std::uint64_t seed = 1; seed <= 5; ++seed)
    for (int i = 0; i < 2; ++i)
      r[i] += double(recognise(make_shape(i == 0 ? small : large, 1), target, k, seed).rounds) / 5;
  return {r[0], r[1]};
}

TEST(ShapeRecognition, RatioRoundsGrowWithLogN) {
  const auto [small, large] = rounds_small_and_large(ShapeRecognition::kLinearRatio, 2,
                                                     "parallelogram:4x8", "parallelogram:100x200");
  EXPECT_GT(large, 1.8 * small);  // log2 20301 / log2 45 = 2.6
  EXPECT_LT(large, 6.0 * small);
  const auto [small_power, large_power] = rounds_small_and_large(
      ShapeRecognition::kPolynomialRatio, 2, "parallelogram:3x9", "parallelogram:30x900");
  EXPECT_GT(large_power, 1.5 * small_power);  // log2 27931 / log2 40 = 2.8
  EXPECT_LT(large_power, 6.0 * small_power);
}

TEST(ShapeRecognition, RefusesARatioOutOfRange) {
  testing::expect_error([] { ShapeRecognition::initial(ShapeRecognition::kLinearRatio, 0); },
                        {.input = "ratio"});
  testing::expect_error([] { ShapeRecognition::initial(ShapeRecognition::kPolynomialRatio, 1); },
                        {.input = "power"});
}

}  // namespace
}  // namespace tessera::amoebot
