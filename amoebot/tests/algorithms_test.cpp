// Leader election, consensus and chirality agreement on the circuit model: one leader (at n = 1
// and 2 too), round counts that follow the calibration of the notes ((2 + 4κ)·log2 n), consensus
// on the largest input in bits + 1 rounds whatever n, and one sense of rotation at the end.
#include <gtest/gtest.h>

#include <cmath>

#include "tessera/amoebot/algorithms/chirality.hpp"
#include "tessera/amoebot/algorithms/compass.hpp"
#include "tessera/amoebot/algorithms/consensus.hpp"
#include "tessera/amoebot/algorithms/leader_election.hpp"
#include "tessera/amoebot/simulator.hpp"
#include "tessera/amoebot/verdicts.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::amoebot {
namespace {

// Leaders and rounds of one election.
std::pair<int, std::int64_t> elect(const Structure& s, std::uint64_t seed, int kappa) {
  Simulator<LeaderElection> sim(s, seed, LeaderElection::initial(kappa));
  const std::optional<std::int64_t> rounds = sim.run(100000);
  EXPECT_TRUE(rounds.has_value());
  return {static_cast<int>(leaders(sim)), rounds.value_or(-1)};
}

TEST(LeaderElection, ElectsOneLeaderOnEveryShape) {
  for (const char* shape : {"line:1", "line:2", "triangle:6", "hexagon:10", "holes:600",
                            "spiral:300", "comb:6", "parallelogram:3x20"}) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed)
      EXPECT_EQ(elect(make_shape(shape, seed), seed, 3).first, 1) << shape << " seed " << seed;
  }
}

// Mean rounds over 30 seeds within 10% of the calibration, for each κ (at 331 and 1,027 amoebots
// they come within 2-4%); the rounds grow with n.
TEST(LeaderElection, RoundsFollowTheCalibration) {
  const Structure s = make_shape("hexagon:10", 1);  // 331 amoebots
  const double log_n = std::log2(static_cast<double>(s.size()));
  for (const int kappa : {1, 2, 3}) {
    double sum = 0;
    for (std::uint64_t seed = 1; seed <= 30; ++seed)
      sum += static_cast<double>(elect(s, seed, kappa).second);
    const double mean = sum / 30, predicted = (2.0 + 4.0 * kappa) * log_n;
    EXPECT_NEAR(mean, predicted, 0.10 * predicted) << "kappa " << kappa;
  }
  const Structure small = make_shape("hexagon:2", 1), large = make_shape("blob:5000", 1);
  double small_rounds = 0, large_rounds = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    small_rounds += static_cast<double>(elect(small, seed, 2).second);
    large_rounds += static_cast<double>(elect(large, seed, 2).second);
  }
  EXPECT_GT(large_rounds, 2.0 * small_rounds);  // log2 5000 / log2 19 = 2.9
}

TEST(Consensus, AgreesOnTheLargestInputInBitsPlusOneRounds) {
  for (const char* shape : {"line:1", "hexagon:6", "blob:3000", "spiral:400"}) {
    const Structure s = make_shape(shape, 2);
    for (const int bits : {1, 3, 8}) {
      const CounterRng rng(bits, 3);
      std::vector<Consensus::State> initial;
      int largest = 0;
      for (std::size_t i = 0; i < s.size(); ++i) {
        const int value = static_cast<int>(rng.u32(i) % (1u << bits)) / (i == 0 ? 1 : 2);
        largest = std::max(largest, value);
        initial.push_back(Consensus::initial(value, bits));
      }
      Simulator<Consensus> sim(s, 5, std::move(initial));
      EXPECT_EQ(sim.run(100), bits + 1) << shape;
      for (const auto& state : sim.states()) ASSERT_EQ(state.decided, largest) << shape;
    }
  }
  testing::expect_error([] { Consensus::initial(4, 2); }, {.input = "consensus input"});
  // All inputs 0: nobody beeps, and all decide 0.
  Simulator<Consensus> zeros(make_shape("triangle:9", 1), 1, Consensus::initial(0, 4));
  EXPECT_EQ(zeros.run(100), 5);
  for (const auto& state : zeros.states()) EXPECT_EQ(state.decided, 0);
}

// Whether every amoebot ended with the same effective sense of rotation (its hidden one, reversed
// by its flag), and the rounds it took.
std::pair<bool, std::int64_t> agree_on_chirality(const Structure& s, std::uint64_t seed) {
  Simulator<ChiralityAgreement> sim(s, seed, ChiralityAgreement::State{});
  const std::optional<std::int64_t> rounds = sim.run(100000);
  EXPECT_TRUE(rounds.has_value());
  return {one_sense_of_rotation(sim), rounds.value_or(-1)};
}

TEST(ChiralityAgreement, AlwaysAgreesAtTheEnd) {
  for (const char* shape : {"line:1", "line:2", "triangle:7", "hexagon:9", "holes:800",
                            "spiral:300", "comb:5", "parallelogram:2x25", "blob:2000"}) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed)
      EXPECT_TRUE(agree_on_chirality(make_shape(shape, seed), seed).first)
          << shape << " seed " << seed;
  }
  EXPECT_EQ(agree_on_chirality(make_shape("line:1", 1), 1).second, 3);  // the test, then silence
}

// Iterations of 6 rounds grow like log n: mean iterations on 10,000 amoebots at most 3 times
// those on 100, and more than on 100.
TEST(ChiralityAgreement, RoundsGrowLogarithmically) {
  const Structure small = make_shape("blob:100", 2), large = make_shape("blob:10000", 2);
  double small_rounds = 0, large_rounds = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    small_rounds += static_cast<double>(agree_on_chirality(small, seed).second);
    large_rounds += static_cast<double>(agree_on_chirality(large, seed).second);
  }
  EXPECT_GT(large_rounds, small_rounds);
  EXPECT_LT(large_rounds, 3.0 * small_rounds);
}

TEST(CompassAlignment, AlwaysAlignsAtTheEnd) {
  for (const char* shape : {"line:1", "line:2", "triangle:7", "hexagon:9", "holes:800",
                            "spiral:300", "comb:5", "parallelogram:2x25", "blob:2000"}) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      Simulator<CompassAlignment> sim(make_shape(shape, seed), seed, CompassAlignment::State{});
      ASSERT_TRUE(sim.run(100000).has_value()) << shape;
      EXPECT_TRUE(one_compass(sim)) << shape << " seed " << seed;
    }
  }
}

}  // namespace
}  // namespace tessera::amoebot
