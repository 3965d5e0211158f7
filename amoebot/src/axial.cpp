// Grid directions and symmetries (axial.hpp).
#include "tessera/amoebot/axial.hpp"

#include <array>
#include <cstddef>

namespace tessera::amoebot {
namespace {

constexpr std::array<Axial, kDirections> kSteps{
    {{1, 0}, {0, 1}, {-1, 1}, {-1, 0}, {0, -1}, {1, -1}}};

}  // namespace

Axial step(int direction) { return kSteps[static_cast<std::size_t>(direction)]; }

Axial neighbour_of(Axial a, int direction) {
  const Axial s = step(direction);
  return {a.x + s.x, a.y + s.y};
}

Axial rotated(Axial a) { return {-a.y, a.x + a.y}; }

Axial mirrored(Axial a) { return {a.x + a.y, -a.y}; }

}  // namespace tessera::amoebot
