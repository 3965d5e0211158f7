// PASC on chains: every amoebot learns its distance to the chain's first amoebot, whatever the
// frames and the chain's bends, in 2 · (floor(log2 m) + 3) rounds on m + 1 amoebots; chains
// that are not walks are refused; amoebots off the chain only carry the global circuit.
#include "tessera/amoebot/algorithms/pasc.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <vector>

#include "tessera/amoebot/chain.hpp"
#include "tessera/amoebot/simulator.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::amoebot {
namespace {

std::int64_t expected_rounds(std::size_t amoebots) {
  const std::size_t m = amoebots - 1;
  const int log_m = m == 0 ? -1 : std::bit_width(m) - 1;  // floor(log2 m); none when m = 0
  return 2 * (log_m + 3);
}

TEST(Pasc, EveryAmoebotLearnsItsDistance) {
  for (const char* shape :
       {"line:1", "line:2", "line:3", "line:64", "line:65", "spiral:1000", "spiral:4097"}) {
    const Structure s = make_shape(shape, 1);
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const std::vector<Frame> frames = random_frames(s.size(), seed);
      Simulator<ChainDistance> sim(s, seed, chain_in_order(s, frames), frames);
      const auto rounds = sim.run(1000);
      ASSERT_TRUE(rounds.has_value()) << shape;
      EXPECT_TRUE(distances_in_order(sim)) << shape << " seed " << seed;
      EXPECT_EQ(*rounds, expected_rounds(s.size())) << shape;
    }
  }
}

TEST(Pasc, WorksInEveryCommonFrame) {  // no frame of the chain is special
  const Structure s = make_shape("spiral:200", 1);
  for (int compass = 0; compass < 6; ++compass)
    for (const bool mirrored : {false, true}) {
      const std::vector<Frame> frames(s.size(),
                                      Frame{static_cast<std::uint8_t>(compass), mirrored});
      Simulator<ChainDistance> sim(s, 3, chain_in_order(s, frames), frames);
      ASSERT_TRUE(sim.run(1000).has_value());
      EXPECT_TRUE(distances_in_order(sim)) << compass << " " << mirrored;
    }
}

TEST(Pasc, AmoebotsOffTheChainCarryOnlyTheGlobalCircuit) {
  // A parallelogram's bottom row is the chain; the rows above are off it.
  const Structure s = make_shape("parallelogram:40x3", 1);
  const std::vector<Frame> frames = random_frames(s.size(), 5);
  std::vector<ChainDistance::State> states(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.nodes()[i].y != 0) {
      states[i].on_chain = false;
      continue;
    }
    const int west = s.neighbour(i, 3) >= 0 ? local_port(frames[i], 3) : -1;
    const int east = s.neighbour(i, 0) >= 0 ? local_port(frames[i], 0) : -1;
    states[i] = ChainDistance::on(west, east);
  }
  Simulator<ChainDistance> sim(s, 5, states, frames);
  ASSERT_TRUE(sim.run(1000).has_value());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const ChainDistance::State& state = sim.states()[i];
    EXPECT_EQ(state.distance, s.nodes()[i].y == 0 ? std::uint32_t(s.nodes()[i].x) : 0u);
    EXPECT_TRUE(state.done);
    if (!state.on_chain) {  // its pins were never joined but into the global circuit
      const auto configuration = sim.engine().configuration(i);
      for (const std::uint8_t set : configuration) EXPECT_EQ(set, configuration[0]);
    }
  }
}

TEST(Pasc, RefusesAStructureThatIsNotAWalk) {
  const Structure s = parse_structure("0 0\n1 0\n0 1\n2 0\n", "walk");
  testing::expect_error([&] { chain_in_order(s, random_frames(s.size(), 1)); },
                        {.input = "chain",
                         .contains = "nodes 3 (0 1) and 4 (2 0) follow each other but are not "
                                     "neighbours"});
}

}  // namespace
}  // namespace tessera::amoebot
