// Structures of grid nodes (structure.hpp): the checked constructor.
#include "tessera/amoebot/structure.hpp"

#include <fmt/format.h>

#include <utility>

#include "grid_graph.hpp"
#include "tessera/core/error.hpp"

namespace tessera::amoebot {

Structure::Structure(std::vector<Axial> nodes) : nodes_(std::move(nodes)) {
  if (nodes_.empty()) throw Error("structure", "has no nodes");
  if (nodes_.size() >= (std::size_t{1} << 31)) throw Error("structure", "has 2^31 nodes or more");
  for (const Axial a : nodes_)
    if (!within_grid(a))
      throw Error("structure", fmt::format("node ({}, {}) lies outside |x|, |y| < 2^30", a.x, a.y));
  neighbours_ = detail::neighbour_table(nodes_);
  const std::size_t first = detail::first_unreached(neighbours_);
  if (first == nodes_.size()) return;
  throw Error("structure", fmt::format("node ({}, {}) is not connected to node ({}, {})",
                                       nodes_[first].x, nodes_[first].y, nodes_[0].x, nodes_[0].y));
}

}  // namespace tessera::amoebot
