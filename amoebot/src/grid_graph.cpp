// The grid graph of a node list (structure.cpp, structure_io.cpp): neighbour tables over a dense
// grid of the bounding box, or over sorted node keys where the box is sparse; connectivity by
// depth-first search.
#include "grid_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera::amoebot::detail {
namespace {

std::uint64_t key_of(Axial a) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(a.y)) << 32 |
         static_cast<std::uint32_t>(a.x);
}

}  // namespace

std::vector<std::int32_t> neighbour_table(std::span<const Axial> nodes) {
  std::int64_t min_x = nodes[0].x, max_x = min_x, min_y = nodes[0].y, max_y = min_y;
  for (const Axial a : nodes) {
    min_x = std::min<std::int64_t>(min_x, a.x), max_x = std::max<std::int64_t>(max_x, a.x);
    min_y = std::min<std::int64_t>(min_y, a.y), max_y = std::max<std::int64_t>(max_y, a.y);
  }
  const auto n = static_cast<std::int64_t>(nodes.size());
  const auto repeated = [&](std::size_t i) {
    return Error("structure", fmt::format("node ({}, {}) is listed twice", nodes[i].x, nodes[i].y));
  };
  std::vector<std::int32_t> table(nodes.size() * kDirections, -1);
  const std::int64_t width = max_x - min_x + 3, height = max_y - min_y + 3;  // a border of empties
  if (width * height <= 64 * n + 4096) {
    std::vector<std::int32_t> grid(static_cast<std::size_t>(width * height), -1);
    const auto cell = [&](Axial a) {
      return static_cast<std::size_t>((a.y - min_y + 1) * width + (a.x - min_x + 1));
    };
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      std::int32_t& at = grid[cell(nodes[i])];
      if (at >= 0) throw repeated(i);
      at = static_cast<std::int32_t>(i);
    }
    for (std::size_t i = 0; i < nodes.size(); ++i)
      for (int d = 0; d < kDirections; ++d)
        table[i * kDirections + static_cast<std::size_t>(d)] =
            grid[cell(neighbour_of(nodes[i], d))];
    return table;
  }
  std::vector<std::pair<std::uint64_t, std::int32_t>> keys;
  keys.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    keys.emplace_back(key_of(nodes[i]), static_cast<std::int32_t>(i));
  std::sort(keys.begin(), keys.end());
  for (std::size_t k = 1; k < keys.size(); ++k)
    if (keys[k].first == keys[k - 1].first)
      throw repeated(static_cast<std::size_t>(keys[k].second));
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (int d = 0; d < kDirections; ++d) {
      const std::uint64_t want = key_of(neighbour_of(nodes[i], d));
      const auto it = std::lower_bound(keys.begin(), keys.end(), std::pair{want, std::int32_t{-1}});
      if (it != keys.end() && it->first == want)
        table[i * kDirections + static_cast<std::size_t>(d)] = it->second;
    }
  }
  return table;
}

std::size_t first_unreached(std::span<const std::int32_t> table) {
  const std::size_t n = table.size() / kDirections;
  std::vector<bool> reached(n, false);
  std::vector<std::int32_t> stack{0};
  reached[0] = true;
  while (!stack.empty()) {
    const auto i = static_cast<std::size_t>(stack.back());
    stack.pop_back();
    for (int d = 0; d < kDirections; ++d) {
      const std::int32_t j = table[i * kDirections + static_cast<std::size_t>(d)];
      if (j >= 0 && !reached[static_cast<std::size_t>(j)]) {
        reached[static_cast<std::size_t>(j)] = true;
        stack.push_back(j);
      }
    }
  }
  return static_cast<std::size_t>(std::find(reached.begin(), reached.end(), false) -
                                  reached.begin());
}

}  // namespace tessera::amoebot::detail
