// What a structure is, as an observer with the coordinates sees it: the ground truth that shape
// recognition's verdicts (algorithms/shape_recognition.hpp) are checked against.
#pragma once

#include <cstdint>

#include "tessera/amoebot/algorithms/shape_recognition.hpp"
#include "tessera/amoebot/structure.hpp"

namespace tessera::amoebot {

struct ShapeTruth {
  std::int64_t triangle_side = 0;  // an equilateral triangle of this side (>= 1), or 0
  std::int64_t a = 0, b = 0;       // a parallelogram with these sides (both >= 1), or 0
  std::int64_t hexagon_side = 0;   // a regular hexagon of this side (>= 1), or 0
  std::int64_t trapezoid_leg = 0;  // a trapezoid of sides l, l, l, 2l for this l (>= 1), or 0

  /// Whether a structure of this truth should be accepted for `target` (and `ratio` k: b = k·a
  /// or a = k·b for a linear ratio, b = a^k or a = b^k for a polynomial one).
  bool accepts(ShapeRecognition::Target target, int ratio) const;
};

/// The truth of `structure`: triangles, parallelograms, regular hexagons and trapezoids of three
/// triangles in every orientation; degenerate ones (a node, a line) are none of them.
ShapeTruth shape_truth(const Structure& structure);

}  // namespace tessera::amoebot
