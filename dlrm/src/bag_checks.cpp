// The checks of bags of ids (bag_checks.hpp).
#include "bag_checks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "tessera/core/error.hpp"

namespace tessera::dlrm::detail {

void check_bag_shape(const SparseFeatures& bags, std::size_t tables) {
  const auto n = static_cast<std::int64_t>(tables);
  if (bags.tables != n)
    throw Error("bags", fmt::format("{} tables, the embedding operator has {}", bags.tables, n));
  if (bags.samples < 0 || bags.offsets.size() != static_cast<std::size_t>(n * bags.samples + 1))
    throw Error("bags", fmt::format("{} offsets for {} tables of {} samples (expected {})",
                                    bags.offsets.size(), n, bags.samples, n * bags.samples + 1));
  if (bags.offsets.front() != 0 ||
      bags.offsets.back() != static_cast<std::int64_t>(bags.ids.size()) ||
      !std::is_sorted(bags.offsets.begin(), bags.offsets.end()))
    throw Error("bags", "offsets must rise from 0 to the number of ids");
  if (!bags.weights.empty() && bags.weights.size() != bags.ids.size())
    throw Error("bags", fmt::format("{} weights for {} ids", bags.weights.size(), bags.ids.size()));
}

void check_id(std::int64_t id, std::size_t table, std::int64_t rows) {
  if (id < 0 || id >= rows)
    throw Error("bags", fmt::format("id {} of table {} is outside its {} rows", id, table, rows));
}

}  // namespace tessera::dlrm::detail
