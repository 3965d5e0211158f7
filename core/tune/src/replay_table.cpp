// Recorded tables of every configuration's time (schema "tessera.tune.replay"), their JSON form,
// and recording one.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "tessera/core/error.hpp"
#include "tessera/tune/measure.hpp"
#include "tessera/tune/tuning_log.hpp"

namespace tessera::tune {

ReplayTable record_replay_table(const std::string& task, const SearchSpace& space,
                                Measurer& measurer, std::size_t batch, ProgressMode progress,
                                std::FILE* stream) {
  ReplayTable table{task, hardware_fingerprint(), space, {}};
  ProgressBar bar("record " + task, space.size(), stream, progress);
  for (std::uint64_t first = 0; first < space.size(); first += std::max<std::size_t>(batch, 1)) {
    std::vector<Config> configs;
    for (std::uint64_t i = first; i < std::min<std::uint64_t>(first + batch, space.size()); ++i)
      configs.push_back(space.config_at(i));
    measurer.prepare(configs);
    for (const Config& c : configs) {
      table.seconds.push_back(measurer.measure(c));
      bar.advance();
    }
  }
  bar.finish();
  return table;
}

std::string format_replay_table(const ReplayTable& table) {
  nlohmann::json knobs = nlohmann::json::array();
  for (const Knob& k : table.space.knobs())
    knobs.push_back({{"name", k.name}, {"values", k.values}});
  nlohmann::json seconds = nlohmann::json::array();
  for (double s : table.seconds) seconds.push_back(std::isfinite(s) ? nlohmann::json(s) : nullptr);
  const nlohmann::json doc{
      {"schema", "tessera.tune.replay"}, {"version", 1},   {"task", table.task},
      {"machine", table.machine},        {"knobs", knobs}, {"seconds", seconds}};
  return doc.dump() + "\n";
}

ReplayTable parse_replay_table(std::string_view text, std::string_view source) {
  try {
    const nlohmann::json doc = nlohmann::json::parse(text);
    if (doc.at("schema") != "tessera.tune.replay" || doc.at("version") != 1)
      throw Error(source, "is not a version-1 tessera.tune.replay table");
    std::vector<Knob> knobs;
    for (const auto& k : doc.at("knobs"))
      knobs.push_back(
          {k.at("name").get<std::string>(), k.at("values").get<std::vector<std::int64_t>>()});
    ReplayTable table{doc.at("task").get<std::string>(),
                      doc.at("machine").get<std::string>(),
                      SearchSpace(std::move(knobs)),
                      {}};
    for (const auto& s : doc.at("seconds"))
      table.seconds.push_back(s.is_null() ? std::numeric_limits<double>::infinity()
                                          : s.get<double>());
    if (table.seconds.size() != table.space.size())
      throw Error(source, fmt::format("has {} times for a space of {} configurations",
                                      table.seconds.size(), table.space.size()));
    return table;
  } catch (const nlohmann::json::exception& e) {
    throw Error(source, std::string("is not a replay table: ") + e.what());
  }
}

}  // namespace tessera::tune
