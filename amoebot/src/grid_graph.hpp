// The grid graph of a node list: who neighbours whom, and whether all are connected (private to
// the structure code).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tessera/amoebot/axial.hpp"

namespace tessera::amoebot::detail {

/// (nodes, 6): index of each node's neighbour in each direction, -1 where empty. tessera::Error
/// naming "structure" when a node is listed twice.
std::vector<std::int32_t> neighbour_table(std::span<const Axial> nodes);

/// The first node (in list order) that node 0 does not reach over `table`; the node count when
/// every node is reached.
std::size_t first_unreached(std::span<const std::int32_t> table);

}  // namespace tessera::amoebot::detail
