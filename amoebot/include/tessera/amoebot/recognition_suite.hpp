// The structures shape recognition is tested and studied on: for a target and a size, the shape
// itself and its near misses (an amoebot less at a corner or on a side, one more on a side, a
// hole, a trapezoid, sides one off, other shapes), each turned and mirrored by the seed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tessera/amoebot/algorithms/shape_recognition.hpp"
#include "tessera/amoebot/structure.hpp"

namespace tessera::amoebot {

struct Specimen {
  std::string name;  // e.g. "parallelogram 9x18, one hole"
  Structure structure;
};

/// The shape of `target` (k of kLinearRatio or kPolynomialRatio: b = k·a or b = a^k) with about
/// `amoebots` amoebots (at least 16; the smallest parallelogram of its ratio, sides 2 and 2k or
/// 2^k, may have more), first, then its near misses; all turned by seed % 6 steps of 60 degrees
/// and mirrored when seed / 6 is odd. With `only`, just the specimens of those places in the
/// suite, in the suite's order (the others are not built).
std::vector<Specimen> recognition_suite(ShapeRecognition::Target target, int ratio,
                                        std::int64_t amoebots, std::uint64_t seed,
                                        std::span<const std::size_t> only = {});

/// How many specimens the suite of `target` holds (the shape and its near misses).
std::size_t recognition_suite_size(ShapeRecognition::Target target);

}  // namespace tessera::amoebot
