// The observer's truth of shapes (shape_truth.hpp): a structure is a shape when its node count
// equals that of the shape spanned by its extremes along the axes (nodes are distinct, so the
// count decides).
#include "tessera/amoebot/shape_truth.hpp"

#include <algorithm>
#include <limits>
#include <vector>

namespace tessera::amoebot {
namespace {

// base^k (base >= 1), or -1 where it would pass 2^40 (more than any side).
std::int64_t power(std::int64_t base, int k) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 40;
  std::int64_t result = 1;
  for (int i = 0; i < k; ++i) {
    if (result > kLimit / base) return -1;
    result *= base;
  }
  return result;
}

}  // namespace

bool ShapeTruth::accepts(ShapeRecognition::Target target, int ratio) const {
  switch (target) {
    case ShapeRecognition::kTriangle:
      return triangle_side > 0;
    case ShapeRecognition::kParallelogram:
      return a > 0;
    case ShapeRecognition::kLinearRatio:
      return a > 0 && (b == ratio * a || a == ratio * b);
    case ShapeRecognition::kPolynomialRatio:
      return a > 0 && (b == power(a, ratio) || a == power(b, ratio));
    case ShapeRecognition::kRhombus:
      return a > 0 && a == b;
    case ShapeRecognition::kTrapezoid:
      return trapezoid_leg > 0;
    case ShapeRecognition::kHexagon:
      return hexagon_side > 0;
  }
  return false;
}

ShapeTruth shape_truth(const Structure& structure) {
  // The three axial coordinates x, y and x + y: their extremes.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t low[3] = {kMax, kMax, kMax}, high[3] = {-kMax, -kMax, -kMax};
  for (const Axial node : structure.nodes()) {
    const std::int64_t c[3] = {node.x, node.y, std::int64_t{node.x} + node.y};
    for (int k = 0; k < 3; ++k) low[k] = std::min(low[k], c[k]), high[k] = std::max(high[k], c[k]);
  }
  const auto n = static_cast<std::int64_t>(structure.size());
  ShapeTruth truth;
  // Triangles: x >= x0, y >= y0, x + y <= s1 (pointing up), or x <= x1, y <= y1, x + y >= s0.
  for (const std::int64_t side : {high[2] - low[0] - low[1], high[0] + high[1] - low[2]})
    if (side >= 1 && n == (side + 1) * (side + 2) / 2) truth.triangle_side = side;
  // Parallelograms between the extremes of two of the coordinates.
  for (const auto& [i, j] : {std::pair{0, 1}, std::pair{0, 2}, std::pair{1, 2}}) {
    const std::int64_t a = high[i] - low[i], b = high[j] - low[j];
    if (a >= 1 && b >= 1 && n == (a + 1) * (b + 1)) truth.a = a, truth.b = b;
  }
  // A regular hexagon: the three coordinates span 2r about one centre.
  const std::int64_t r = (high[0] - low[0]) / 2;
  if (r >= 1 && high[0] - low[0] == 2 * r && high[1] - low[1] == 2 * r &&
      low[2] == low[0] + low[1] + r && high[2] == low[2] + 2 * r && n == 3 * r * r + 3 * r + 1)
    truth.hexagon_side = r;
  // A trapezoid of three triangles, turned so that its long side lies along E at the bottom:
  // y from 0 to l, x >= 0, x + y <= 2l (after moving its lowest, leftmost extremes to 0).
  std::vector<Axial> nodes(structure.nodes().begin(), structure.nodes().end());
  for (int turn = 0; turn < 6; ++turn) {
    std::int64_t x0 = kMax, y0 = kMax, top = -kMax, right = -kMax;
    for (const Axial a : nodes)
      x0 = std::min<std::int64_t>(x0, a.x), y0 = std::min<std::int64_t>(y0, a.y);
    for (const Axial a : nodes) {
      top = std::max(top, a.y - y0);
      right = std::max(right, a.x - x0 + a.y - y0);
    }
    const std::int64_t l = top;
    if (l >= 1 && right == 2 * l && n == (l + 1) * (2 * l + 1) - l * (l + 1) / 2)
      truth.trapezoid_leg = l;
    for (Axial& a : nodes) a = rotated(a);
  }
  return truth;
}

}  // namespace tessera::amoebot
