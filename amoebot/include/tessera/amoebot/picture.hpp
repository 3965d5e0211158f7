// Pictures of a run for people to look at: an SVG of the structure after the engine's last round,
// each amoebot a hexagon, each pin a dot on its edge coloured by its circuit, each partition set
// a hub joined to its pins, the links between neighbours' pins, the circuits that carried a beep
// drawn bold, and the amoebots an observer marks (leaders) filled; and, for structures too large
// for that, a PNG of one pixel an amoebot.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tessera/amoebot/engine.hpp"
#include "tessera/amoebot/structure.hpp"

namespace tessera::amoebot {

/// Structures above this many amoebots are refused by render_svg (the picture would be unreadable
/// and huge).
inline constexpr std::size_t kMaxSvgAmoebots = 5000;

/// The SVG text. `marked(i)` fills amoebot i (may be empty: none). tessera::Error naming
/// "picture" for a structure of more than kMaxSvgAmoebots amoebots.
std::string render_svg(const Structure& structure, const Engine& engine,
                       const std::function<bool(std::size_t)>& marked = {});

/// A PNG of the structure, one pixel an amoebot: node (x, y) at column x + floor(y / 2), row -y
/// (offset coordinates, which give each node its own pixel), shifted to start at 0; amoebots dark
/// grey on white, marked ones red inside a red 9 x 9 square, to be found in large pictures.
/// tessera::Error naming "picture" for a picture of more than 2^26 pixels.
std::vector<std::byte> render_pixels(const Structure& structure,
                                     const std::function<bool(std::size_t)>& marked = {});

}  // namespace tessera::amoebot
