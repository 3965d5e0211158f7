// Reads and writes the sharding planner's table-statistics JSON, checking every field and naming
// the file and the field in each error.
#include "tessera/dlrm/sharding_input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sharding_json_fields.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::dlrm {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxRanks = 1 << 20;
constexpr std::int64_t kMaxRows = std::int64_t{1} << 45;
constexpr std::int64_t kMaxDim = 1 << 16;
constexpr std::int64_t kMaxBatch = std::int64_t{1} << 40;

TableStats parse_table(const json& t, const std::string& where, const JsonFields& f) {
  f.only(t, where, {"name", "rows", "dim", "pooling", "skew"});
  TableStats table;
  table.name = f.text(t, where, "name");
  table.rows = f.whole(t, where, "rows", 1, kMaxRows);
  table.dim = f.whole(t, where, "dim", 1, kMaxDim);
  table.pooling = f.number(t, where, "pooling", 1e-6, 1e6);
  if (t.contains("skew")) table.skew = f.number(t, where, "skew", 0.0, 100.0);
  return table;
}

void parse_bandwidths(const json& b, BandwidthSpec& spec, const JsonFields& f) {
  const std::string where = "bandwidths";
  f.only(b, where,
         {"memory_bytes_per_s", "alltoall_bytes_per_s", "allreduce_bytes_per_s",
          "intra_node_bytes_per_s"});
  const auto read = [&](const char* key, std::optional<double>& out) {
    if (b.contains(key)) out = f.number(b, where, key, 1.0, 1e18);
  };
  read("memory_bytes_per_s", spec.memory);
  read("alltoall_bytes_per_s", spec.alltoall);
  read("allreduce_bytes_per_s", spec.allreduce);
  read("intra_node_bytes_per_s", spec.intra_node);
}

}  // namespace

int ranks_per_node(const PlannerInput& input) {
  return input.ranks_per_node > 0 ? input.ranks_per_node : std::min(8, input.ranks);
}

PlannerInput parse_planner_input(std::string_view text, const std::string& source) {
  const json doc = parse_json(text, source);
  const JsonFields f(source);
  f.only(doc, "",
         {"tables", "ranks", "ranks_per_node", "memory_per_rank_bytes", "batch_size", "bandwidths",
          "optimizer"});
  PlannerInput input;
  if (!doc.contains("tables") || !doc.at("tables").is_array() || doc.at("tables").empty())
    f.fail("tables", "must be a non-empty array");
  std::map<std::string, std::size_t> names;
  for (std::size_t i = 0; i < doc.at("tables").size(); ++i) {
    const std::string where = fmt::format("tables[{}]", i);
    TableStats table = parse_table(doc.at("tables").at(i), where, f);
    if (const auto [it, fresh] = names.emplace(table.name, i); !fresh)
      f.fail(where + ".name", fmt::format("'{}' repeats tables[{}]", table.name, it->second));
    input.tables.push_back(std::move(table));
  }
  input.ranks = static_cast<int>(f.whole(doc, "", "ranks", 1, kMaxRanks));
  if (doc.contains("ranks_per_node"))
    input.ranks_per_node = static_cast<int>(f.whole(doc, "", "ranks_per_node", 1, kMaxRanks));
  input.memory_per_rank_bytes =
      f.whole(doc, "", "memory_per_rank_bytes", 1, std::numeric_limits<std::int64_t>::max() / 4);
  input.batch_size = f.whole(doc, "", "batch_size", 1, kMaxBatch);
  if (doc.contains("bandwidths")) parse_bandwidths(doc.at("bandwidths"), input.bandwidths, f);
  if (doc.contains("optimizer")) {
    const std::string name = f.text(doc, "", "optimizer");
    input.optimizer = f.named("optimizer", [&] { return parse_optimizer_kind(name, name); });
  }
  return input;
}

PlannerInput read_planner_input(const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = read_file(path);
  return parse_planner_input(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path.string());
}

std::string planner_input_json(const PlannerInput& input) {
  json tables = json::array();
  for (const TableStats& t : input.tables) {
    json j{{"name", t.name}, {"rows", t.rows}, {"dim", t.dim}, {"pooling", t.pooling}};
    if (t.skew != 0.0) j["skew"] = t.skew;
    tables.push_back(std::move(j));
  }
  json doc{{"tables", std::move(tables)},
           {"ranks", input.ranks},
           {"memory_per_rank_bytes", input.memory_per_rank_bytes},
           {"batch_size", input.batch_size},
           {"optimizer", to_string(input.optimizer)}};
  if (input.ranks_per_node > 0) doc["ranks_per_node"] = input.ranks_per_node;
  json bandwidths = json::object();
  const auto put = [&](const char* key, const std::optional<double>& v) {
    if (v) bandwidths[key] = *v;
  };
  put("memory_bytes_per_s", input.bandwidths.memory);
  put("alltoall_bytes_per_s", input.bandwidths.alltoall);
  put("allreduce_bytes_per_s", input.bandwidths.allreduce);
  put("intra_node_bytes_per_s", input.bandwidths.intra_node);
  if (!bandwidths.empty()) doc["bandwidths"] = std::move(bandwidths);
  return doc.dump(1) + "\n";
}

}  // namespace tessera::dlrm
