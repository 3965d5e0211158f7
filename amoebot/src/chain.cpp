// Chains of a structure's nodes in order (chain.hpp).
#include "tessera/amoebot/chain.hpp"

#include <fmt/format.h>

#include "tessera/core/error.hpp"

namespace tessera::amoebot {
namespace {

// The global direction from node i to node j, or -1 when they are not neighbours.
int direction_between(const Structure& s, std::size_t i, std::size_t j) {
  for (int d = 0; d < kDirections; ++d)
    if (s.neighbour(i, d) == static_cast<std::int32_t>(j)) return d;
  return -1;
}

}  // namespace

std::vector<ChainDistance::State> chain_in_order(const Structure& structure,
                                                 std::span<const Frame> frames) {
  const std::size_t n = structure.size();
  std::vector<int> forward(n, -1);  // global direction to the next node
  for (std::size_t i = 0; i + 1 < n; ++i) {
    forward[i] = direction_between(structure, i, i + 1);
    if (forward[i] < 0) {
      const Axial a = structure.nodes()[i], b = structure.nodes()[i + 1];
      throw Error("chain", fmt::format("nodes {} ({} {}) and {} ({} {}) follow each other but are "
                                       "not neighbours",
                                       i + 1, a.x, a.y, i + 2, b.x, b.y));
    }
  }
  std::vector<ChainDistance::State> states;
  states.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int pred = i == 0 ? -1 : local_port(frames[i], (forward[i - 1] + 3) % kDirections);
    const int succ = forward[i] < 0 ? -1 : local_port(frames[i], forward[i]);
    states.push_back(ChainDistance::on(pred, succ));
  }
  return states;
}

bool distances_in_order(const Simulator<ChainDistance>& sim) {
  const auto states = sim.states();
  for (std::size_t i = 0; i < states.size(); ++i)
    if (states[i].distance != i) return false;
  return true;
}

}  // namespace tessera::amoebot
