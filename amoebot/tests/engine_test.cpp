// The circuit model: the pin matching rule (the relative chirality test of §2.1), global circuits
// over random frames, circuit reuse that changes nothing, results independent of the thread
// count, and equivariance: rotating or mirroring the structure with every hidden frame gives the
// same trace, so no global information reaches the algorithms.
#include "tessera/amoebot/engine.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tessera/amoebot/algorithms/chirality.hpp"
#include "tessera/amoebot/algorithms/compass.hpp"
#include "tessera/amoebot/algorithms/leader_election.hpp"
#include "tessera/amoebot/algorithms/shape_recognition.hpp"
#include "tessera/amoebot/simulator.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::amoebot {
namespace {

// Two pins an edge, each its own set; every amoebot beeps on pin 0 of each occupied port, then
// records which of the two pins of its first occupied port heard a beep.
struct ChiralityProbe {
  static constexpr int kPinsPerEdge = 2;
  struct State {
    std::uint8_t round = 0;
    bool pin0 = false, pin1 = false;
  };
  static bool finished(const State& s) { return s.round == 2; }
  static void step(State& s, LocalView& view) {
    int port = 0;
    while (!view.occupied(port)) ++port;
    if (s.round == 0) {
      view.separate_all();
      for (int p = 0; p < LocalView::kPorts; ++p)
        if (view.occupied(p)) view.beep(p * 2);
    } else {
      s.pin0 = view.heard(port * 2);
      s.pin1 = view.heard(port * 2 + 1);
    }
    ++s.round;
  }
};
static_assert(Algorithm<ChiralityProbe>);

TEST(Engine, LinksPinsByTheMatchingRule) {
  const Structure pair({{0, 0}, {1, 0}});
  for (const bool mirrored : {false, true}) {
    for (const std::uint8_t compass : {0, 2, 5}) {
      // Same sense of rotation: pin 0 is linked to the neighbour's pin 1, so both pins hear.
      Simulator<ChiralityProbe> same(pair, 1, ChiralityProbe::State{},
                                     {{compass, mirrored}, {1, mirrored}});
      ASSERT_TRUE(same.run(5));
      for (const auto& s : same.states()) EXPECT_TRUE(s.pin0 && s.pin1);
      // Opposite senses: pin 0 to pin 0, so only pin 0 hears.
      Simulator<ChiralityProbe> opposite(pair, 1, ChiralityProbe::State{},
                                         {{compass, mirrored}, {1, !mirrored}});
      ASSERT_TRUE(opposite.run(5));
      for (const auto& s : opposite.states()) EXPECT_TRUE(s.pin0 && !s.pin1);
    }
  }
}

// One amoebot (its input) beeps on the global circuit; every amoebot hears it, whatever the frames.
struct Broadcast {
  static constexpr int kPinsPerEdge = 3;
  struct State {
    bool source = false;
    std::uint8_t round = 0;
    bool heard = false;
  };
  static bool finished(const State& s) { return s.round == 2; }
  static void step(State& s, LocalView& view) {
    if (s.round == 0) {
      view.connect_all(1);
      if (s.source) view.beep(1);
    } else {
      s.heard = view.heard(1);
    }
    ++s.round;
  }
};

TEST(Engine, AGlobalCircuitReachesEveryAmoebot) {
  const Structure s = make_shape("holes:1500", 3);
  for (const std::size_t source : {std::size_t{0}, s.size() - 1}) {
    std::vector<Broadcast::State> initial(s.size());
    initial[source].source = true;
    Simulator<Broadcast> sim(s, 4, initial);
    ASSERT_TRUE(sim.run(3));
    for (const auto& state : sim.states()) EXPECT_TRUE(state.heard);
  }
  Simulator<Broadcast> silent(s, 4, Broadcast::State{});
  ASSERT_TRUE(silent.run(3));
  for (const auto& state : silent.states()) EXPECT_FALSE(state.heard);
}

// Sees its frame: its occupancy in local order, the relative chirality test on every port, then
// circuits along its three local axes and a global one, on which it beeps by coin.
struct FrameProbe {
  static constexpr int kPinsPerEdge = 2;
  struct State {
    std::uint8_t round = 0;
    std::uint8_t occupancy = 0;
    std::uint16_t heard[3] = {};
    bool operator==(const State&) const = default;
  };
  static bool finished(const State& s) { return s.round == 4; }
  static void step(State& s, LocalView& view) {
    std::uint16_t heard = 0;
    for (int set = 0; set < view.sets(); ++set)
      heard |= static_cast<std::uint16_t>((view.heard(set) ? 1u : 0u) << set);
    if (s.round > 0) s.heard[s.round - 1] = heard;
    if (s.round == 0) {
      view.separate_all();
      for (int p = 0; p < LocalView::kPorts; ++p) {
        s.occupancy |= static_cast<std::uint8_t>((view.occupied(p) ? 1u : 0u) << p);
        if (view.occupied(p)) view.beep(p * 2);
      }
    } else if (s.round == 1) {
      for (int p = 0; p < 3; ++p) view.connect(p, 0, p), view.connect(p + 3, 1, p);
      if (view.coin()) view.beep(0);
    } else if (s.round == 2) {
      view.connect_all(0);
      if (view.coin()) view.beep(0);
    }
    ++s.round;
  }
};

// Every round's states and beeps, for the comparisons below.
template <class A>
struct Trace {
  std::vector<std::vector<typename A::State>> states;
  std::vector<std::vector<std::uint64_t>> beeps;
  bool operator==(const Trace&) const = default;
};

template <class A>
Trace<A> trace_of(const Structure& s, std::uint64_t seed, std::vector<Frame> frames, bool reuse,
                  typename A::State initial = {}) {
  Simulator<A> sim(s, seed, initial, std::move(frames));
  sim.engine().set_circuit_reuse(reuse);
  Trace<A> t;
  while (!sim.all_finished() && sim.engine().round() < 2000) {
    sim.round();
    t.states.emplace_back(sim.states().begin(), sim.states().end());
    std::vector<std::uint64_t> beeps(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) beeps[i] = sim.engine().beeps(i);
    t.beeps.push_back(std::move(beeps));
  }
  return t;
}

Trace<LeaderElection> election_trace(const Structure& s, std::uint64_t seed,
                                     std::vector<Frame> frames, bool reuse) {
  return trace_of<LeaderElection>(s, seed, std::move(frames), reuse, LeaderElection::initial(2));
}

TEST(Engine, ReusedCircuitsChangeNothing) {
  const Structure s = make_shape("blob:400", 8);
  const auto reused = election_trace(s, 3, random_frames(s.size(), 3), true);
  EXPECT_EQ(reused, election_trace(s, 3, random_frames(s.size(), 3), false));
  const auto probed = trace_of<FrameProbe>(s, 3, random_frames(s.size(), 3), true);
  EXPECT_EQ(probed, trace_of<FrameProbe>(s, 3, random_frames(s.size(), 3), false));
  Simulator<LeaderElection> sim(s, 3, LeaderElection::initial(2));
  ASSERT_TRUE(sim.run(2000));
  EXPECT_EQ(sim.engine().circuit_computations(), 1);  // one global circuit, set in round 0
}

// 14,911 amoebots: more union-find nodes, beeps and activations than one piece of work holds, so
// every parallel loop of a round is split.
TEST(Engine, ResultsDoNotDependOnTheThreadCount) {
  const Structure s = make_shape("hexagon:70", 1);
  std::vector<Trace<LeaderElection>> elections;
  std::vector<Trace<FrameProbe>> probes;
  std::vector<std::vector<std::uint32_t>> circuits;
  for (const int threads : {1, 2, 3}) {
    const ThreadCountScope scope(threads);
    elections.push_back(election_trace(s, 11, random_frames(s.size(), 11), true));
    probes.push_back(trace_of<FrameProbe>(s, 11, random_frames(s.size(), 11), true));
    Simulator<FrameProbe> sim(s, 11, FrameProbe::State{});
    sim.round();
    sim.round();  // circuits along the local axes
    std::vector<std::uint32_t> ids;
    for (std::size_t i = 0; i < s.size(); ++i)
      for (int set = 0; set < 12; ++set) ids.push_back(sim.engine().circuit(i, set));
    circuits.push_back(std::move(ids));
  }
  EXPECT_EQ(elections[0], elections[1]);
  EXPECT_EQ(elections[0], elections[2]);
  EXPECT_EQ(probes[0], probes[1]);
  EXPECT_EQ(probes[0], probes[2]);
  EXPECT_EQ(circuits[0], circuits[1]);
  EXPECT_EQ(circuits[0], circuits[2]);
}

// The structure and every frame under a symmetry of the grid: rotations by 60° · turns, then a
// mirror image when asked.
std::pair<Structure, std::vector<Frame>> transformed(const Structure& s, std::vector<Frame> frames,
                                                     int turns, bool mirror) {
  std::vector<Axial> nodes(s.nodes().begin(), s.nodes().end());
  for (Axial& a : nodes) {
    for (int k = 0; k < turns; ++k) a = rotated(a);
    if (mirror) a = mirrored(a);
  }
  for (Frame& f : frames) {
    f.compass = static_cast<std::uint8_t>((f.compass + turns) % 6);
    if (mirror) f = {static_cast<std::uint8_t>((6 - f.compass) % 6), !f.mirrored};
  }
  return {Structure(std::move(nodes)), std::move(frames)};
}

TEST(Engine, RunsAreEquivariantUnderTheGridsSymmetries) {
  for (const char* shape : {"blob:300", "parallelogram:9x14", "parallelogram:4x16", "comb:4"}) {
    const Structure s = make_shape(shape, 5);
    const std::vector<Frame> frames = random_frames(s.size(), 21);
    const auto election = election_trace(s, 21, frames, true);
    const auto probe = trace_of<FrameProbe>(s, 21, frames, true);
    const auto chirality = trace_of<ChiralityAgreement>(s, 21, frames, true);
    const auto compass = trace_of<CompassAlignment>(s, 21, frames, true);
    const auto ratio = ShapeRecognition::initial(ShapeRecognition::kLinearRatio, 2);
    const auto recognition = trace_of<ShapeRecognition>(s, 21, frames, true, ratio);
    const auto power = ShapeRecognition::initial(ShapeRecognition::kPolynomialRatio, 2);
    const auto powers = trace_of<ShapeRecognition>(s, 21, frames, true, power);
    for (const int turns : {0, 1, 2, 5}) {
      for (const bool mirror : {false, true}) {
        if (turns == 0 && !mirror) continue;
        const auto [moved, moved_frames] = transformed(s, frames, turns, mirror);
        EXPECT_EQ(election_trace(moved, 21, moved_frames, true), election)
            << shape << ", " << turns << " turns, mirrored " << mirror;
        EXPECT_EQ(trace_of<FrameProbe>(moved, 21, moved_frames, true), probe)
            << shape << ", " << turns << " turns, mirrored " << mirror;
        EXPECT_EQ(trace_of<ChiralityAgreement>(moved, 21, moved_frames, true), chirality)
            << shape << ", " << turns << " turns, mirrored " << mirror;
        EXPECT_EQ(trace_of<CompassAlignment>(moved, 21, moved_frames, true), compass)
            << shape << ", " << turns << " turns, mirrored " << mirror;
        EXPECT_EQ(trace_of<ShapeRecognition>(moved, 21, moved_frames, true, ratio), recognition)
            << shape << ", " << turns << " turns, mirrored " << mirror;
        EXPECT_EQ(trace_of<ShapeRecognition>(moved, 21, moved_frames, true, power), powers)
            << shape << ", " << turns << " turns, mirrored " << mirror;
        // The check can fail: the moved structure under the old frames looks different.
        EXPECT_NE(trace_of<FrameProbe>(moved, 21, frames, true), probe) << shape;
      }
    }
  }
}

// Names a port that does not exist.
struct Stray {
  static constexpr int kPinsPerEdge = 1;
  struct State {
    bool done = false;
  };
  static bool finished(const State& s) { return s.done; }
  static void step(State&, LocalView& view) { view.connect(6, 0, 0); }
};

TEST(Engine, RefusesBadSetups) {
  Simulator<Stray> stray(make_shape("line:3", 1), 1, Stray::State{});
  testing::expect_error([&] { stray.round(); },
                        {.input = "algorithm", .contains = "port 6 does not exist"});
  testing::expect_error([] { LeaderElection::initial(0); }, {.input = "kappa"});
  const Structure s = make_shape("line:3", 1);
  testing::expect_error([&] { Engine(s, 0, 1, random_frames(3, 1)); },
                        {.input = "pins per edge", .contains = "from 1 to 10"});
  testing::expect_error([&] { Engine(s, 1, 1, random_frames(2, 1)); },
                        {.input = "frames", .contains = "2 frames for 3 amoebots"});
  testing::expect_error(
      [&] { Simulator<LeaderElection>(s, 1, std::vector<LeaderElection::State>(2)); },
      {.input = "initial states", .contains = "2 for 3 amoebots"});
}

}  // namespace
}  // namespace tessera::amoebot
