// The shape recognition suite (recognition_suite.hpp).
#include "tessera/amoebot/recognition_suite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tessera::amoebot {
namespace {

using Nodes = std::vector<Axial>;

Nodes triangle(std::int64_t side) {
  Nodes nodes;
  for (std::int32_t y = 0; y <= side; ++y)
    for (std::int32_t x = 0; x + y <= side; ++x) nodes.push_back({x, y});
  return nodes;
}

// Rows 0 ... rows of a triangle of side `side`: a trapezoid when rows < side.
Nodes trapezoid(std::int64_t side, std::int64_t rows) {
  Nodes nodes;
  for (std::int32_t y = 0; y <= rows; ++y)
    for (std::int32_t x = 0; x + y <= side; ++x) nodes.push_back({x, y});
  return nodes;
}

Nodes parallelogram(std::int64_t a, std::int64_t b) {
  Nodes nodes;
  for (std::int32_t y = 0; y <= b; ++y)
    for (std::int32_t x = 0; x <= a; ++x) nodes.push_back({x, y});
  return nodes;
}

Nodes hexagon(std::int64_t r) {
  Nodes nodes;
  const auto ri = static_cast<std::int32_t>(r);
  for (std::int32_t y = -ri; y <= ri; ++y)
    for (std::int32_t x = std::max(-ri, -ri - y); x <= std::min(ri, ri - y); ++x)
      nodes.push_back({x, y});
  return nodes;
}

// A triangle of side `side` without its three corner triangles of side cut - 1: a hexagon of
// sides side - 2·cut and cut in turn (regular when side = 3·cut).
Nodes cut_triangle(std::int64_t side, std::int64_t cut) {
  Nodes nodes;
  for (const Axial a : triangle(side))
    if (a.x <= side - cut && a.y <= side - cut && a.x + a.y >= cut) nodes.push_back(a);
  return nodes;
}

Nodes without(Nodes nodes, Axial gone) {
  std::erase(nodes, gone);
  return nodes;
}

Nodes with(Nodes nodes, Axial more) {
  nodes.push_back(more);
  return nodes;
}

// The suite's node lists, unturned.
std::vector<std::pair<std::string, Nodes>> suite_nodes(ShapeRecognition::Target target, int ratio,
                                                       std::int64_t amoebots) {
  const double n = static_cast<double>(std::max<std::int64_t>(amoebots, 16));
  std::vector<std::pair<std::string, Nodes>> suite;
  if (target == ShapeRecognition::kTriangle) {
    const auto l = std::max<std::int64_t>(4, std::llround(std::sqrt(2 * n)) - 1);
    const auto li = static_cast<std::int32_t>(l);
    const Nodes t = triangle(l);
    suite = {{fmt::format("triangle {}", l), t},
             {"a corner less", without(t, {li, 0})},
             {"an amoebot less on a side", without(t, {li / 2, 0})},
             {"an amoebot more on a side", with(t, {li / 2, -1})},
             {"one hole", without(t, {1, 1})},
             {"a trapezoid", trapezoid(l, l - 1)},
             {"a hexagon", hexagon(std::max<std::int64_t>(2, l / 2))},
             {"a parallelogram", parallelogram(l / 2, l / 2)}};
  } else if (target == ShapeRecognition::kTrapezoid) {
    const auto l = std::max<std::int64_t>(2, std::llround(std::sqrt(n / 2.5)));
    const auto li = static_cast<std::int32_t>(l);
    const Nodes t = trapezoid(2 * l, l);
    suite = {{fmt::format("trapezoid of leg {}", l), t},
             {"an acute corner less", without(t, {0, 0})},
             {"an obtuse corner less", without(t, {0, li})},
             {"an amoebot less on the long side", without(t, {li, 0})},
             {"an amoebot more on the long side", with(t, {li, -1})},
             {"one hole", without(t, {1, 1})},
             {"a long side one longer", trapezoid(2 * l + 1, l)},
             {"a long side one shorter", trapezoid(2 * l - 1, l)},
             {"a row more", trapezoid(2 * l, l + 1)},
             {"a parallelogram", parallelogram(l, l)},
             {"a triangle", triangle(2 * l)},
             {"a hexagon", cut_triangle(3 * l, l)}};
  } else if (target == ShapeRecognition::kHexagon) {
    const auto r = std::max<std::int64_t>(2, std::llround(std::sqrt(n / 3)));
    const auto ri = static_cast<std::int32_t>(r);
    const Nodes h = cut_triangle(3 * r, r);
    suite = {{fmt::format("hexagon of side {}", r), h},
             {"a corner less", without(h, {ri, 0})},
             {"an amoebot less on a side", without(h, {ri + 1, 0})},
             {"an amoebot more on a side", with(h, {ri + 1, -1})},
             {"one hole", without(h, {ri, ri})},
             {"sides r + 1 and r in turn", cut_triangle(3 * r + 1, r)},
             {"sides r - 1 and r in turn", cut_triangle(3 * r - 1, r)},
             {"a row less", trapezoid(3 * r, 2 * r - 1)},
             {"a triangle", triangle(3 * r)},
             {"a rhombus", parallelogram(r, r)},
             {"a trapezoid", trapezoid(2 * r, r)}};
  } else {
    const bool power = target == ShapeRecognition::kPolynomialRatio;
    const int k = target == ShapeRecognition::kLinearRatio || power ? ratio
                  : target == ShapeRecognition::kRhombus            ? 1
                                                                    : 2;
    // b = k·a, or b = a^k: (a + 1)(b + 1) about n, and no more (but a >= 2).
    const auto long_side = [&](std::int64_t a) {
      std::int64_t b = a;
      for (int i = 1; i < k; ++i) b = power ? b * a : b + a;
      return b;
    };
    auto a = std::max<std::int64_t>(
        2, std::llround(power ? std::pow(n, 1.0 / (k + 1)) : std::sqrt(n / k)));
    while (a > 2 && double(a + 1) * double(long_side(a) + 1) > n) --a;
    const std::int64_t b = long_side(a);
    const auto ai = static_cast<std::int32_t>(a), bi = static_cast<std::int32_t>(b);
    const Nodes p = parallelogram(a, b);
    suite = {{fmt::format("parallelogram {}x{}", a, b), p},
             {"an acute corner less", without(p, {0, 0})},
             {"an obtuse corner less", without(p, {ai, 0})},
             {"an amoebot less on a side", without(p, {0, bi / 2})},
             {"an amoebot more on a side", with(p, {-1, bi / 2})},
             {"one hole", without(p, {1, 1})},
             {"a long side one longer", parallelogram(a, b + 1)},
             {"a long side one shorter", parallelogram(a, b - 1)},
             {"a short side one longer", parallelogram(a + 1, b)},
             {"a trapezoid", trapezoid(b, a)},
             {"a triangle", triangle(std::min(b, 4 * a))},
             {"a hexagon", hexagon(a)}};
  }
  return suite;
}

}  // namespace

std::size_t recognition_suite_size(ShapeRecognition::Target target) {
  return suite_nodes(target, 2, 16).size();
}

std::vector<Specimen> recognition_suite(ShapeRecognition::Target target, int ratio,
                                        std::int64_t amoebots, std::uint64_t seed,
                                        std::span<const std::size_t> only) {
  auto suite = suite_nodes(target, ratio, amoebots);
  std::vector<Specimen> specimens;
  for (std::size_t i = 0; i < suite.size(); ++i) {
    if (!only.empty() && std::find(only.begin(), only.end(), i) == only.end()) continue;
    auto& [name, nodes] = suite[i];
    for (Axial& node : nodes) {
      for (std::uint64_t turn = 0; turn < seed % 6; ++turn) node = rotated(node);
      if (seed / 6 % 2 == 1) node = mirrored(node);
    }
    specimens.push_back({std::move(name), Structure(std::move(nodes))});
  }
  return specimens;
}

}  // namespace tessera::amoebot
