// The split of a batch over ranks and the world-size-invariance check (distribution.hpp).
#include "tessera/dlrm/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/dlrm/sharding_planner.hpp"
#include "wire.hpp"

namespace tessera::dlrm {

std::pair<std::int64_t, std::int64_t> rank_samples(std::int64_t batch, int rank, int ranks) {
  const auto chunks = static_cast<std::size_t>((batch + kSampleChunk - 1) / kSampleChunk);
  const Range r =
      partition_range(chunks, static_cast<std::size_t>(ranks), static_cast<std::size_t>(rank));
  return {std::min(static_cast<std::int64_t>(r.begin) * kSampleChunk, batch),
          std::min(static_cast<std::int64_t>(r.end) * kSampleChunk, batch)};
}

std::pair<bool, std::string> world_size_invariant(const Distribution& distribution,
                                                  std::int64_t batch, std::int64_t samples) {
  const CommPrecisions& p = distribution.precision;
  for (const CommPrecision c : {p.forward, p.backward, p.dense})
    if (c != CommPrecision::kFp32)
      return {false, fmt::format("{} payloads round the values they carry", to_string(c))};
  for (const TablePlan& table : distribution.tables)
    for (const Shard& s : table.shards)
      if (table.type != ShardingType::kDataParallel && s.row_end - s.row_begin < table.rows)
        return {false, fmt::format("table {} is split into row blocks, whose partial sums "
                                   "are added in another order than one process's",
                                   table.name)};
  const int ranks = distribution.communicator ? distribution.communicator->size() : 1;
  if (ranks == 1) return {true, ""};  // one rank is one process
  for (const std::int64_t size : {batch, samples % batch}) {
    const std::int64_t chunks = (size + kSampleChunk - 1) / kSampleChunk;
    if (size > 0 &&
        (chunks % ranks != 0 || !std::has_single_bit(static_cast<std::uint64_t>(chunks / ranks))))
      return {false, fmt::format("a batch of {} samples is {} chunks of {}, which do not split "
                                 "into a power of two per rank over {} ranks",
                                 size, chunks, kSampleChunk, ranks)};
  }
  return {true, ""};
}

std::vector<TablePlan> uniform_plan(const std::vector<TableSpec>& tables, ShardingType type,
                                    int ranks) {
  std::vector<TablePlan> plan;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    const TableSpec& spec = tables[t];
    TablePlan table{fmt::format("table{}", t), spec.rows, spec.dim, type, {}};
    const auto add = [&](std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1,
                         int rank) {
      Shard s;
      s.row_begin = r0, s.row_end = r1, s.col_begin = c0, s.col_end = c1, s.rank = rank;
      table.shards.push_back(s);
    };
    const auto pieces = [&](std::int64_t n) {
      return static_cast<std::size_t>(std::min<std::int64_t>(ranks, n));
    };
    switch (type) {
      case ShardingType::kTableWise:
        add(0, spec.rows, 0, spec.dim, static_cast<int>(t % static_cast<std::size_t>(ranks)));
        break;
      case ShardingType::kColumnWise:
        for (std::size_t i = 0; i < pieces(spec.dim); ++i) {
          const Range c = partition_range(static_cast<std::size_t>(spec.dim), pieces(spec.dim), i);
          add(0, spec.rows, static_cast<std::int64_t>(c.begin), static_cast<std::int64_t>(c.end),
              static_cast<int>(i));
        }
        break;
      case ShardingType::kRowWise:
      case ShardingType::kTableRowWise:
        for (std::size_t i = 0; i < pieces(spec.rows); ++i) {
          const Range r =
              partition_range(static_cast<std::size_t>(spec.rows), pieces(spec.rows), i);
          add(static_cast<std::int64_t>(r.begin), static_cast<std::int64_t>(r.end), 0, spec.dim,
              static_cast<int>(i));
        }
        break;
      case ShardingType::kDataParallel:
        for (int rank = 0; rank < ranks; ++rank) add(0, spec.rows, 0, spec.dim, rank);
        break;
    }
    plan.push_back(std::move(table));
  }
  return plan;
}

std::vector<TablePlan> place_tables(Communicator& communicator,
                                    const std::vector<TableSpec>& tables, std::string_view sharding,
                                    double ids_per_bag, std::int64_t batch, OptimizerKind optimizer,
                                    Pooling pooling) {
  if (sharding != "auto")
    return uniform_plan(tables, parse_sharding_type(sharding, "--sharding"), communicator.size());
  if (communicator.size() == 1) return {};
  return plan_on_rank_zero(communicator, [&] {
    PlannerInput input;
    for (std::size_t t = 0; t < tables.size(); ++t)
      input.tables.push_back(
          {fmt::format("table{}", t), tables[t].rows, tables[t].dim, ids_per_bag, 0.0});
    input.ranks = communicator.size();
    input.ranks_per_node = communicator.size();
    input.memory_per_rank_bytes = std::int64_t{1} << 50;  // no cap: the tables fit in RAM
    input.batch_size = batch;
    input.optimizer = optimizer;
    input.column_slices = optimizer != OptimizerKind::kRowwiseAdagrad;
    input.row_blocks = pooling == Pooling::kSum;
    return plan_sharding(input, resolve_bandwidths(input.bandwidths), Strategy::kOurs);
  });
}

std::vector<TablePlan> plan_on_rank_zero(Communicator& communicator,
                                         const std::function<ShardingPlan()>& make) {
  std::string text;  // "1" and the plan's JSON, or "0" and the error
  ShardingPlan plan;
  if (communicator.rank() == 0) {
    try {
      plan = make();
      text.append("1").append(plan_json(plan));
    } catch (const Error& e) {
      text.append("0").append(e.what());
    }
  }
  RankBuffers outgoing(static_cast<std::size_t>(communicator.size()));
  if (communicator.rank() == 0)
    for (std::vector<std::byte>& buffer : outgoing)
      detail::ByteWriter(buffer).put(std::span<const char>(text));
  const RankBuffers incoming = communicator.exchange("plan", std::move(outgoing));
  const std::vector<std::byte>& from_zero = incoming.front();
  text.assign(reinterpret_cast<const char*>(from_zero.data()), from_zero.size());
  if (text.empty() || text.front() != '1') throw Error("plan", text.empty() ? "" : text.substr(1));
  return parse_plan(std::string_view(text).substr(1), "the plan of rank 0").tables;
}

}  // namespace tessera::dlrm
