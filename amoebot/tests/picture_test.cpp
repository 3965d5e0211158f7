// SVG pictures: one hexagon an amoebot, a stroke a link and a stroke a pin to its set's hub, the
// circuit that carried a beep drawn bold, marked amoebots filled, large structures refused.
#include "tessera/amoebot/picture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

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

}  // namespace
}  // namespace tessera::amoebot
