// Chains for PASC (algorithms/pasc.hpp) on the observer's side: the chain of a structure's nodes
// in their order, given to each amoebot as its ports toward the first node and away from it in
// its own frame, and the check that every amoebot learnt its place in that order.
#pragma once

#include <span>
#include <vector>

#include "tessera/amoebot/algorithms/pasc.hpp"
#include "tessera/amoebot/engine.hpp"
#include "tessera/amoebot/simulator.hpp"
#include "tessera/amoebot/structure.hpp"

namespace tessera::amoebot {

/// The inputs of ChainDistance for the chain of `structure`'s nodes in order, node 0 first, in
/// the amoebots' `frames`. tessera::Error naming "chain" when two nodes in a row are not
/// neighbours (the message names them).
std::vector<ChainDistance::State> chain_in_order(const Structure& structure,
                                                 std::span<const Frame> frames);

/// Whether every amoebot's distance is its place in the structure's order.
bool distances_in_order(const Simulator<ChainDistance>& sim);

}  // namespace tessera::amoebot
