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

  /// Whether a structure of this truth should be accepted for `target` (and `ratio` k: b = k·a
  /// or a = k·b for a linear ratio, b = a^k or a = b^k for a polynomial one).
  bool accepts(ShapeRecognition::Target target, int ratio) const;
};

/// The truth of `structure`: triangles in either orientation, parallelograms along any two of the
/// three axes; degenerate ones (a node, a line) are neither.
ShapeTruth shape_truth(const Structure& structure);

}  // namespace tessera::amoebot
