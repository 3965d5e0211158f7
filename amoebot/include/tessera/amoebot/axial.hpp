// Nodes and directions of the triangular grid in axial coordinates (Feldmann et al., SSS'21, §1),
// and the grid's symmetries. The simulator's hidden side: algorithms never see them.
#pragma once

#include <cstdint>

namespace tessera::amoebot {

/// A grid node in axial coordinates.
struct Axial {
  std::int32_t x = 0, y = 0;
  bool operator==(const Axial&) const = default;
};

/// Whether a node lies where its neighbours, rotations and mirror image have coordinates:
/// |x|, |y| < 2^30 (structures hold only such nodes).
inline bool within_grid(Axial a) {
  constexpr std::int32_t kLimit = std::int32_t{1} << 30;
  return a.x > -kLimit && a.x < kLimit && a.y > -kLimit && a.y < kLimit;
}

/// The six global directions in counter-clockwise order: E, NNE, NNW, W, SSW, SSE.
inline constexpr int kDirections = 6;
/// The step of direction d: (1,0), (0,1), (-1,1), (-1,0), (0,-1), (1,-1).
Axial step(int direction);
/// Node a moved one step in direction d.
Axial neighbour_of(Axial a, int direction);

/// Node a rotated by 60 degrees counter-clockwise about the origin (direction d becomes d + 1).
Axial rotated(Axial a);
/// Node a mirrored across the E-W axis (direction d becomes -d mod 6).
Axial mirrored(Axial a);

}  // namespace tessera::amoebot
