// Enumerate, the planner's first stage: every way of sharding one table (TorchRec's enumerator;
// Neo's TW, RW, CW, DP and hierarchical TWRW), as shards without costs.
#include <algorithm>

#include "tessera/dlrm/sharding.hpp"

namespace tessera::dlrm {
namespace {

// [begin, end) of part i when n splits into `parts` nearly equal parts (the first n % parts one
// longer).
std::pair<std::int64_t, std::int64_t> even_part(std::int64_t n, std::int64_t parts,
                                                std::int64_t i) {
  const std::int64_t base = n / parts, extra = n % parts;
  const std::int64_t begin = i * base + std::min(i, extra);
  return {begin, begin + base + (i < extra ? 1 : 0)};
}

// `parts` row blocks of the whole width, block i on rank i (RW, TWRW) or whole copies (DP).
ShardingOption per_rank_option(ShardingType type, const TableStats& table, int parts,
                               bool split_rows) {
  ShardingOption option{type, {}};
  for (int i = 0; i < parts; ++i) {
    const auto [begin, end] = split_rows ? even_part(table.rows, parts, i)
                                         : std::pair<std::int64_t, std::int64_t>{0, table.rows};
    option.shards.push_back({begin, end, 0, table.dim, i, {}});
  }
  return option;
}

}  // namespace

std::vector<ShardingOption> enumerate_options(const TableStats& table, const PlannerInput& input) {
  std::vector<ShardingOption> options;
  options.push_back({ShardingType::kTableWise, {{0, table.rows, 0, table.dim, -1, {}}}});
  for (std::int64_t slices = 2;
       input.column_slices && slices <= input.ranks && table.dim / slices >= kMinColumnSliceWidth;
       slices *= 2) {
    ShardingOption cw{ShardingType::kColumnWise, {}};
    for (std::int64_t i = 0; i < slices; ++i) {
      const auto [begin, end] = even_part(table.dim, slices, i);
      cw.shards.push_back({0, table.rows, begin, end, -1, {}});
    }
    options.push_back(std::move(cw));
  }
  if (input.row_blocks && input.ranks > 1 && table.rows >= input.ranks)
    options.push_back(per_rank_option(ShardingType::kRowWise, table, input.ranks, true));
  if (input.ranks > 1)
    options.push_back(per_rank_option(ShardingType::kDataParallel, table, input.ranks, false));
  const int node = ranks_per_node(input);
  if (input.row_blocks && input.ranks > node && input.ranks % node == 0 && table.rows >= node &&
      node > 1)
    options.push_back(per_rank_option(ShardingType::kTableRowWise, table, node, true));
  return options;
}

std::vector<std::vector<ShardingOption>> enumerate_and_estimate(const PlannerInput& input,
                                                                const Bandwidths& bandwidths) {
  std::vector<std::vector<ShardingOption>> all;
  for (const TableStats& table : input.tables) {
    std::vector<ShardingOption> options = enumerate_options(table, input);
    for (ShardingOption& option : options) estimate_costs(option, table, input, bandwidths);
    all.push_back(std::move(options));
  }
  return all;
}

}  // namespace tessera::dlrm
