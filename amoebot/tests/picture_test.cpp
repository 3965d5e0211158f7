// Pictures: in an SVG one hexagon an amoebot, a stroke a link and a stroke a pin to its set's hub,
// the circuit that carried a beep drawn bold, marked amoebots filled, large structures refused;
// in a PNG one pixel an amoebot.
#include "tessera/amoebot/picture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/amoebot/simulator.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::amoebot {
namespace {

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// Round 0: every pin into one set, and the amoebot marked as the source beeps.
struct Shout {
  static constexpr int kPinsPerEdge = 3;
  struct State {
    bool source = false;
    bool done = false;
  };
  static bool finished(const State& s) { return s.done; }
  static void step(State& s, LocalView& view) {
    view.connect_all(0);
    if (s.source) view.beep(0);
    s.done = true;
  }
};

TEST(Picture, DrawsAmoebotsPinsLinksAndTheBeepingCircuit) {
  const Structure pair({{0, 0}, {0, 1}});
  for (const bool beep : {false, true}) {
    Simulator<Shout> sim(pair, 2, std::vector<Shout::State>{{beep, false}, {false, false}});
    ASSERT_TRUE(sim.run(3));
    const std::string svg = render_svg(pair, sim.engine(), [](std::size_t i) { return i == 1; });
    EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
    EXPECT_EQ(count(svg, "</svg>"), 1u);
    EXPECT_EQ(count(svg, "<polygon"), 2u);
    EXPECT_EQ(count(svg, "#ffd54f"), 1u);        // the marked amoebot
    EXPECT_EQ(count(svg, "<line"), 3u + 2 * 3);  // three links, and three pins to a hub each
    EXPECT_EQ(count(svg, "stroke-width=\"3\""), beep ? 9u : 0u);
  }
}

TEST(Picture, RefusesLargeStructures) {
  const Structure big = make_shape("hexagon:41", 1);  // 5,167 amoebots
  Simulator<Shout> sim(big, 1, Shout::State{});
  testing::expect_error([&] { render_svg(big, sim.engine()); },
                        {.input = "picture", .contains = "at most 5000"});
}

// The PNG's size from its header: one pixel an amoebot's column and row, and a border of 5.
TEST(Picture, PixelPicturesHoldAPixelAnAmoebot) {
  const auto size_of = [](const std::vector<std::byte>& png) {
    const auto word = [&](std::size_t at) {
      return std::to_integer<std::uint32_t>(png[at]) << 24 |
             std::to_integer<std::uint32_t>(png[at + 1]) << 16 |
             std::to_integer<std::uint32_t>(png[at + 2]) << 8 |
             std::to_integer<std::uint32_t>(png[at + 3]);
    };
    return std::pair{word(16), word(20)};
  };
  const std::vector<std::byte> line = render_pixels(make_shape("line:3", 1));
  EXPECT_EQ(std::to_integer<int>(line[1]), 'P');
  EXPECT_EQ(size_of(line), (std::pair<std::uint32_t, std::uint32_t>{3 + 10, 1 + 10}));
  // A hexagon of radius 2: rows -2..2, columns x + floor(y / 2) from -2 to 2.
  EXPECT_EQ(
      size_of(render_pixels(make_shape("hexagon:2", 1), [](std::size_t i) { return i == 0; })),
      (std::pair<std::uint32_t, std::uint32_t>{5 + 10, 5 + 10}));
  std::vector<Axial> corner;
  for (std::int32_t k = 0; k < 10000; ++k) corner.push_back({k, 0});
  for (std::int32_t k = 1; k < 10000; ++k) corner.push_back({0, k});
  testing::expect_error([&] { render_pixels(Structure(corner)); },
                        {.input = "picture", .contains = "at most 2^26"});
}

}  // namespace
}  // namespace tessera::amoebot
