// What an observer, who sees the hidden frames, checks at the end of a run: how many leaders an
// election left, whether chirality agreement left one sense of rotation, and compass alignment one
// compass.
#pragma once

#include <cstdint>

#include "tessera/amoebot/algorithms/chirality.hpp"
#include "tessera/amoebot/algorithms/compass.hpp"
#include "tessera/amoebot/algorithms/leader_election.hpp"
#include "tessera/amoebot/simulator.hpp"

namespace tessera::amoebot {

/// The amoebots that ended as leaders.
inline std::int64_t leaders(const Simulator<LeaderElection>& sim) {
  std::int64_t count = 0;
  for (const auto& state : sim.states()) count += LeaderElection::leader(state) ? 1 : 0;
  return count;
}

/// Whether every amoebot's effective sense of rotation (its hidden one, reversed by its flag) is
/// the same.
inline bool one_sense_of_rotation(const Simulator<ChiralityAgreement>& sim) {
  const auto sense = [&](std::size_t i) {
    return sim.engine().frames()[i].mirrored != sim.states()[i].flipped;
  };
  for (std::size_t i = 1; i < sim.states().size(); ++i)
    if (sense(i) != sense(0)) return false;
  return true;
}

/// Whether every amoebot ended with one sense of rotation and its logical port 0 in one global
/// direction (its physical port for logical label 0, through its hidden frame).
inline bool one_compass(const Simulator<CompassAlignment>& sim) {
  const auto direction = [&](std::size_t i) {
    const CompassAlignment::State& s = sim.states()[i];
    int port = 0;
    while (CompassAlignment::label(s, port) != 0) ++port;
    const Frame f = sim.engine().frames()[i];
    return (f.mirrored ? f.compass - port + 6 : f.compass + port) % 6;
  };
  const auto sense = [&](std::size_t i) {
    return sim.engine().frames()[i].mirrored != sim.states()[i].chirality.flipped;
  };
  for (std::size_t i = 1; i < sim.states().size(); ++i)
    if (sense(i) != sense(0) || direction(i) != direction(0)) return false;
  return true;
}

}  // namespace tessera::amoebot
