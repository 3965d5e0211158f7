// SVG pictures of a round (picture.hpp). Node (x, y) is drawn at (x + y/2, -y·√3/2) times the
// scale; the pins of an edge sit on it in the grid's counter-clockwise order, so the links between
// neighbours' pins are short straight strokes across the shared edge.
#include "tessera/amoebot/picture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/scatter_png.hpp"

namespace tessera::amoebot {
namespace {

constexpr double kScale = 40.0;  // pixels between neighbouring nodes
const double kRoot3 = std::sqrt(3.0);

struct Point {
  double x = 0, y = 0;
};

Point centre_of(Axial a) { return {(a.x + a.y / 2.0) * kScale, -a.y * kRoot3 / 2.0 * kScale}; }

// Unit vector at `sixths` · 60° counter-clockwise from E, on screen (y down).
Point direction(double sixths) {
  const double angle = sixths * std::acos(-1.0) / 3.0;
  return {std::cos(angle), -std::sin(angle)};
}

// A colour from a circuit's number, spread around the hue circle.
std::string colour_of(std::uint32_t circuit) {
  const std::uint32_t h = circuit * 2654435761u;
  const double hue = (h >> 8) % 360;
  return fmt::format("hsl({:.0f},70%,45%)", hue);
}

}  // namespace

std::string render_svg(const Structure& s, const Engine& engine,
                       const std::function<bool(std::size_t)>& marked) {
  if (s.size() > kMaxSvgAmoebots)
    throw Error("picture", fmt::format("{} amoebots: SVG pictures hold at most {}", s.size(),
                                       kMaxSvgAmoebots));
  const int c = engine.pins_per_edge();
  const auto sets = static_cast<std::size_t>(6 * c);
  // The circuits that carried a beep in the last round.
  std::unordered_set<std::uint32_t> beeping;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t set = 0; set < sets; ++set)
      if ((engine.beeps(i) >> set & 1u) != 0)
        beeping.insert(engine.circuit(i, static_cast<int>(set)));
  // Where pin (global direction g, global counter-clockwise position q) of amoebot i lies: near
  // the edge, offset along the way around the amoebot counter-clockwise.
  const auto pin_at = [&](std::size_t i, int g, int q) {
    const Point o = centre_of(s.nodes()[i]), d = direction(g), around = direction(g + 1.5);
    const double offset = (q - (c - 1) / 2.0) * 0.22;
    return Point{o.x + kScale * (0.4 * d.x + offset * around.x),
                 o.y + kScale * (0.4 * d.y + offset * around.y)};
  };
  double min_x = std::numeric_limits<double>::max(), min_y = min_x, max_x = -min_x, max_y = -min_x;
  for (const Axial a : s.nodes()) {
    const Point p = centre_of(a);
    min_x = std::min(min_x, p.x), max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y), max_y = std::max(max_y, p.y);
  }
  const double margin = kScale;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{:.1f} {:.1f} {:.1f} {:.1f}\" "
      "width=\"{:.0f}\" height=\"{:.0f}\">\n<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"100%\" "
      "height=\"100%\" fill=\"white\"/>\n",
      min_x - margin, min_y - margin, max_x - min_x + 2 * margin, max_y - min_y + 2 * margin,
      max_x - min_x + 2 * margin, max_y - min_y + 2 * margin, min_x - margin, min_y - margin);
  for (std::size_t i = 0; i < s.size(); ++i) {  // the amoebots
    const Point o = centre_of(s.nodes()[i]);
    std::string corners;
    for (int k = 0; k < 6; ++k) {
      const Point d = direction(k + 0.5);
      corners +=
          fmt::format("{:.1f},{:.1f} ", o.x + kScale * 0.55 * d.x, o.y + kScale * 0.55 * d.y);
    }
    const bool mark = marked && marked(i);
    svg += fmt::format("<polygon points=\"{}\" fill=\"{}\" stroke=\"#999\" stroke-width=\"1\"/>\n",
                       corners, mark ? "#ffd54f" : "#f4f4f4");
  }
  for (std::size_t i = 0; i < s.size(); ++i) {  // the links, each from its E, NNE or NNW end
    const Frame f = engine.frames()[i];
    for (int g = 0; g < 3; ++g) {
      const std::int32_t w = s.neighbour(i, g);
      if (w < 0) continue;
      const int port = f.mirrored ? (f.compass - g + 12) % 6 : (g - f.compass + 12) % 6;
      for (int q = 0; q < c; ++q) {
        const int pin = f.mirrored ? c - 1 - q : q;
        const std::uint32_t circuit =
            engine.circuit(i, engine.configuration(i)[static_cast<std::size_t>(port * c + pin)]);
        const Point a = pin_at(i, g, q), b = pin_at(static_cast<std::size_t>(w), g + 3, c - 1 - q);
        svg += fmt::format(
            "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
            "stroke=\"{}\" stroke-width=\"{}\"/>\n",
            a.x, a.y, b.x, b.y, colour_of(circuit), beeping.contains(circuit) ? 3 : 1);
      }
    }
  }
  for (std::size_t i = 0; i < s.size(); ++i) {  // pins and partition sets
    const Frame f = engine.frames()[i];
    const std::span<const std::uint8_t> configuration = engine.configuration(i);
    std::vector<std::vector<Point>> members(sets);
    for (int g = 0; g < kDirections; ++g) {
      if (s.neighbour(i, g) < 0) continue;
      const int port = f.mirrored ? (f.compass - g + 12) % 6 : (g - f.compass + 12) % 6;
      for (int q = 0; q < c; ++q) {
        const int pin = f.mirrored ? c - 1 - q : q;
        members[configuration[static_cast<std::size_t>(port * c + pin)]].push_back(pin_at(i, g, q));
      }
    }
    const Point o = centre_of(s.nodes()[i]);
    for (std::size_t set = 0; set < sets; ++set) {
      if (members[set].empty()) continue;
      const std::uint32_t circuit = engine.circuit(i, static_cast<int>(set));
      const bool loud = beeping.contains(circuit);
      Point hub{0, 0};
      for (const Point p : members[set]) hub.x += p.x, hub.y += p.y;
      hub = {o.x + (hub.x / static_cast<double>(members[set].size()) - o.x) * 0.45,
             o.y + (hub.y / static_cast<double>(members[set].size()) - o.y) * 0.45};
      const std::string colour = colour_of(circuit);
      for (const Point p : members[set]) {
        svg += fmt::format(
            "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" "
            "stroke=\"{}\" stroke-width=\"{}\"/>\n",
            hub.x, hub.y, p.x, p.y, colour, loud ? 3 : 1);
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\" fill=\"{}\"/>\n", p.x, p.y,
                           colour);
      }
      svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"/>\n", hub.x,
                         hub.y, loud ? 5 : 3, colour);
    }
  }
  svg += "</svg>\n";
  return svg;
}

std::vector<std::byte> render_pixels(const Structure& s,
                                     const std::function<bool(std::size_t)>& marked) {
  const auto column = [](Axial a) {  // x + floor(y / 2)
    return std::int64_t{a.x} + (a.y >= 0 ? a.y / 2 : (a.y - 1) / 2);
  };
  std::int64_t min_c = column(s.nodes()[0]), max_c = min_c;
  std::int64_t min_y = s.nodes()[0].y, max_y = min_y;
  for (const Axial a : s.nodes()) {
    min_c = std::min(min_c, column(a)), max_c = std::max(max_c, column(a));
    min_y = std::min<std::int64_t>(min_y, a.y), max_y = std::max<std::int64_t>(max_y, a.y);
  }
  constexpr std::int64_t kBorder = 5;  // room for the squares around marked amoebots
  const std::int64_t width = max_c - min_c + 1 + 2 * kBorder;
  const std::int64_t height = max_y - min_y + 1 + 2 * kBorder;
  if (width * height > (std::int64_t{1} << 26))
    throw Error("picture",
                fmt::format("{} x {} pixels: PNG pictures hold at most 2^26", width, height));
  using Rgb = std::array<std::uint8_t, 3>;
  std::vector<Rgb> pixels(static_cast<std::size_t>(width * height), Rgb{255, 255, 255});
  const auto at = [&](Axial a) {
    return std::pair{column(a) - min_c + kBorder, max_y - a.y + kBorder};
  };
  for (const Axial a : s.nodes()) {
    const auto [x, y] = at(a);
    pixels[static_cast<std::size_t>(y * width + x)] = {70, 70, 70};
  }
  for (std::size_t i = 0; i < s.size() && marked; ++i) {
    if (!marked(i)) continue;
    const auto [x, y] = at(s.nodes()[i]);
    for (std::int64_t d = -4; d <= 4; ++d)
      for (const auto& [px, py] : {std::pair{x + d, y - 4}, std::pair{x + d, y + 4},
                                   std::pair{x - 4, y + d}, std::pair{x + 4, y + d}})
        pixels[static_cast<std::size_t>(py * width + px)] = {220, 30, 30};
    pixels[static_cast<std::size_t>(y * width + x)] = {220, 30, 30};
  }
  return encode_png(static_cast<int>(width), static_cast<int>(height), pixels);
}

}  // namespace tessera::amoebot
