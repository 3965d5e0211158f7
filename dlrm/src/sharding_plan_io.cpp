// The plan file ("tessera.dlrm.plan", versioned JSON): written by `tessera dlrm plan`, read back
// by parse_plan for `train`, which checks every shard against its table and the ranks.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sharding_json_fields.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/dlrm/sharding.hpp"

namespace tessera::dlrm {
namespace {

using nlohmann::json;

constexpr const char* kPlanSchema = "tessera.dlrm.plan";

json bandwidths_json(const Bandwidths& b) {
  return {{"memory_bytes_per_s", b.memory},
          {"alltoall_bytes_per_s", b.alltoall},
          {"allreduce_bytes_per_s", b.allreduce},
          {"intra_node_bytes_per_s", b.intra_node}};
}

json shard_json(const Shard& s) {
  return {{"rank", s.rank},
          {"rows", {s.row_begin, s.row_end}},
          {"columns", {s.col_begin, s.col_end}},
          {"memory_bytes", s.cost.memory_bytes},
          {"compute_s", s.cost.compute_s},
          {"comm_s", s.cost.comm_s},
          {"comm_bytes", s.cost.comm_bytes}};
}

// [begin, end) of object[key], a two-element array inside [0, limit].
std::pair<std::int64_t, std::int64_t> read_range(const json& object, const std::string& where,
                                                 const std::string& key, std::int64_t limit,
                                                 const JsonFields& f) {
  const std::string field = JsonFields::path(where, key);
  if (!object.contains(key) || !object.at(key).is_array() || object.at(key).size() != 2)
    f.fail(field, "must be an array [begin, end)");
  const json pair{{"begin", object.at(key).at(0)}, {"end", object.at(key).at(1)}};
  const std::int64_t begin = f.whole(pair, field, "begin", 0, limit);
  const std::int64_t end = f.whole(pair, field, "end", 0, limit);
  if (end <= begin) f.fail(field, fmt::format("[{}, {}) is empty", begin, end));
  return {begin, end};
}

Shard read_shard(const json& j, const std::string& where, const TablePlan& table, int ranks,
                 const JsonFields& f) {
  f.only(j, where,
         {"rank", "rows", "columns", "memory_bytes", "compute_s", "comm_s", "comm_bytes"});
  Shard s;
  s.rank = static_cast<int>(f.whole(j, where, "rank", 0, ranks - 1));
  std::tie(s.row_begin, s.row_end) = read_range(j, where, "rows", table.rows, f);
  std::tie(s.col_begin, s.col_end) = read_range(j, where, "columns", table.dim, f);
  s.cost.memory_bytes =
      f.whole(j, where, "memory_bytes", 0, std::numeric_limits<std::int64_t>::max() / 4);
  s.cost.compute_s = f.number(j, where, "compute_s", 0.0, 1e12);
  s.cost.comm_s = f.number(j, where, "comm_s", 0.0, 1e12);
  s.cost.comm_bytes = f.number(j, where, "comm_bytes", 0.0, 1e30);
  return s;
}

// Checks that the shards cover the table as `type` says: TW one whole shard, CW adjacent column
// slices of full height, RW/TWRW adjacent row blocks of full width on distinct ranks, DP whole
// copies on distinct ranks.
void check_cover(const TablePlan& t, const std::string& where, const JsonFields& f) {
  const auto whole_rows = [&](const Shard& s) { return s.row_begin == 0 && s.row_end == t.rows; };
  const auto whole_cols = [&](const Shard& s) { return s.col_begin == 0 && s.col_end == t.dim; };
  std::vector<int> ranks;
  std::int64_t next = 0;
  for (std::size_t i = 0; i < t.shards.size(); ++i) {
    const Shard& s = t.shards[i];
    const std::string field = fmt::format("{}.shards[{}]", where, i);
    ranks.push_back(s.rank);
    switch (t.type) {
      case ShardingType::kTableWise:
      case ShardingType::kDataParallel:
        if (!whole_rows(s) || !whole_cols(s)) f.fail(field, "must hold the whole table");
        break;
      case ShardingType::kColumnWise:
        if (!whole_rows(s) || s.col_begin != next)
          f.fail(field, fmt::format("must be all rows of the columns from {}", next));
        next = s.col_end;
        break;
      case ShardingType::kRowWise:
      case ShardingType::kTableRowWise:
        if (!whole_cols(s) || s.row_begin != next)
          f.fail(field, fmt::format("must be all columns of the rows from {}", next));
        next = s.row_end;
        break;
    }
  }
  const std::string shards = where + ".shards";
  switch (t.type) {
    case ShardingType::kTableWise:
      if (t.shards.size() != 1) f.fail(shards, "a table_wise table has exactly one shard");
      break;
    case ShardingType::kColumnWise:
      if (next != t.dim) f.fail(shards, fmt::format("cover columns [0, {}) only", next));
      break;
    case ShardingType::kRowWise:
    case ShardingType::kTableRowWise:
      if (next != t.rows) f.fail(shards, fmt::format("cover rows [0, {}) only", next));
      [[fallthrough]];
    case ShardingType::kDataParallel:
      std::sort(ranks.begin(), ranks.end());
      if (std::adjacent_find(ranks.begin(), ranks.end()) != ranks.end())
        f.fail(shards, fmt::format("put two shards of a {} table on one rank", to_string(t.type)));
      break;
  }
}

}  // namespace

std::string plan_json(const ShardingPlan& plan) {
  json tables = json::array();
  for (const TablePlan& t : plan.tables) {
    json shards = json::array();
    for (const Shard& s : t.shards) shards.push_back(shard_json(s));
    tables.push_back({{"name", t.name},
                      {"rows", t.rows},
                      {"dim", t.dim},
                      {"sharding", to_string(t.type)},
                      {"shards", std::move(shards)}});
  }
  json per_rank = json::array();
  for (std::size_t r = 0; r < plan.rating.ranks.size(); ++r) {
    per_rank.push_back({{"rank", r},
                        {"time_s", plan.rating.ranks[r].time_s},
                        {"memory_bytes", plan.rating.ranks[r].memory_bytes}});
  }
  const json doc{{"schema", kPlanSchema},
                 {"version", kPlanFormatVersion},
                 {"strategy", plan.strategy},
                 {"ranks", plan.ranks},
                 {"ranks_per_node", plan.ranks_per_node},
                 {"memory_per_rank_bytes", plan.memory_per_rank_bytes},
                 {"batch_size", plan.batch_size},
                 {"optimizer", to_string(plan.optimizer)},
                 {"bandwidths", bandwidths_json(plan.bandwidths)},
                 {"tables", std::move(tables)},
                 {"per_rank", std::move(per_rank)},
                 {"rating",
                  {{"makespan_s", plan.rating.makespan_s},
                   {"mean_s", plan.rating.mean_s},
                   {"imbalance", plan.rating.imbalance},
                   {"peak_memory_bytes", plan.rating.peak_memory_bytes}}}};
  return doc.dump(1) + "\n";
}

ShardingPlan parse_plan(std::string_view text, const std::string& source) {
  const json doc = parse_json(text, source);
  const JsonFields f(source);
  f.only(doc, "",
         {"schema", "version", "strategy", "ranks", "ranks_per_node", "memory_per_rank_bytes",
          "batch_size", "optimizer", "bandwidths", "tables", "per_rank", "rating"});
  if (f.text(doc, "", "schema") != kPlanSchema)
    f.fail("schema", fmt::format("must be \"{}\"", kPlanSchema));
  const std::int64_t version = f.whole(doc, "", "version", 0, 1 << 30);
  if (version != kPlanFormatVersion)
    f.fail("version",
           fmt::format("{} is not supported (this build reads {})", version, kPlanFormatVersion));
  ShardingPlan plan;
  plan.strategy = f.text(doc, "", "strategy");
  plan.ranks = static_cast<int>(f.whole(doc, "", "ranks", 1, 1 << 20));
  plan.ranks_per_node = static_cast<int>(f.whole(doc, "", "ranks_per_node", 1, 1 << 20));
  plan.memory_per_rank_bytes =
      f.whole(doc, "", "memory_per_rank_bytes", 1, std::numeric_limits<std::int64_t>::max() / 4);
  plan.batch_size = f.whole(doc, "", "batch_size", 1, std::int64_t{1} << 40);
  const std::string optimizer = f.text(doc, "", "optimizer");
  plan.optimizer = f.named("optimizer", [&] { return parse_optimizer_kind(optimizer, optimizer); });
  if (!doc.contains("bandwidths")) f.fail("bandwidths", "is missing");
  const json& b = doc.at("bandwidths");
  f.only(b, "bandwidths",
         {"memory_bytes_per_s", "alltoall_bytes_per_s", "allreduce_bytes_per_s",
          "intra_node_bytes_per_s"});
  plan.bandwidths = {f.number(b, "bandwidths", "memory_bytes_per_s", 1.0, 1e18),
                     f.number(b, "bandwidths", "alltoall_bytes_per_s", 1.0, 1e18),
                     f.number(b, "bandwidths", "allreduce_bytes_per_s", 1.0, 1e18),
                     f.number(b, "bandwidths", "intra_node_bytes_per_s", 1.0, 1e18)};
  if (!doc.contains("tables") || !doc.at("tables").is_array() || doc.at("tables").empty())
    f.fail("tables", "must be a non-empty array");
  for (std::size_t i = 0; i < doc.at("tables").size(); ++i) {
    const json& j = doc.at("tables").at(i);
    const std::string where = fmt::format("tables[{}]", i);
    f.only(j, where, {"name", "rows", "dim", "sharding", "shards"});
    TablePlan t;
    t.name = f.text(j, where, "name");
    t.rows = f.whole(j, where, "rows", 1, std::int64_t{1} << 45);
    t.dim = f.whole(j, where, "dim", 1, 1 << 16);
    const std::string sharding = f.text(j, where, "sharding");
    t.type = f.named(where + ".sharding", [&] { return parse_sharding_type(sharding, sharding); });
    if (!j.contains("shards") || !j.at("shards").is_array() || j.at("shards").empty())
      f.fail(where + ".shards", "must be a non-empty array");
    for (std::size_t s = 0; s < j.at("shards").size(); ++s) {
      t.shards.push_back(read_shard(j.at("shards").at(s), fmt::format("{}.shards[{}]", where, s), t,
                                    plan.ranks, f));
    }
    check_cover(t, where, f);
    plan.tables.push_back(std::move(t));
  }
  plan.rating = rate_plan(plan.tables, plan.ranks);
  return plan;
}

ShardingPlan read_plan(const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = read_file(path);
  return parse_plan(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                    path.string());
}

}  // namespace tessera::dlrm
