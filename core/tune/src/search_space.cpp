// Search spaces: mixed-radix indexing of knob configurations, and their readable forms.
#include "tessera/tune/search_space.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "tessera/core/error.hpp"

namespace tessera::tune {

SearchSpace::SearchSpace(std::vector<Knob> knobs) : knobs_(std::move(knobs)) {
  if (knobs_.empty()) throw usage_error("search space", "has no knobs");
  std::set<std::string> names;
  for (const Knob& k : knobs_) {
    if (k.values.empty()) throw usage_error("knob '" + k.name + "'", "has no values");
    if (!names.insert(k.name).second) throw usage_error("knob '" + k.name + "'", "appears twice");
    size_ *= k.values.size();
  }
}

Config SearchSpace::config_at(std::uint64_t index) const {
  Config c(knobs_.size());
  for (std::size_t i = knobs_.size(); i-- > 0;) {
    c[i] = static_cast<std::uint32_t>(index % knobs_[i].values.size());
    index /= knobs_[i].values.size();
  }
  return c;
}

std::uint64_t SearchSpace::index_of(const Config& config) const {
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < knobs_.size(); ++i)
    index = index * knobs_[i].values.size() + config[i];
  return index;
}

std::int64_t SearchSpace::value(const Config& config, const std::string& name) const {
  for (std::size_t i = 0; i < knobs_.size(); ++i) {
    if (knobs_[i].name == name) return knobs_[i].values[config[i]];
  }
  throw Error("knob '" + name + "'", "is not a knob of this search space");
}

std::map<std::string, std::int64_t> SearchSpace::values(const Config& config) const {
  std::map<std::string, std::int64_t> out;
  for (std::size_t i = 0; i < knobs_.size(); ++i) out[knobs_[i].name] = knobs_[i].values[config[i]];
  return out;
}

Config SearchSpace::config_of(const std::map<std::string, std::int64_t>& values,
                              const std::string& source) const {
  if (values.size() != knobs_.size())
    throw Error(source,
                fmt::format("has {} knobs where the space has {}", values.size(), knobs_.size()));
  Config c(knobs_.size());
  for (std::size_t i = 0; i < knobs_.size(); ++i) {
    const auto v = values.find(knobs_[i].name);
    if (v == values.end()) throw Error(source, "has no knob '" + knobs_[i].name + "'");
    const auto at = std::find(knobs_[i].values.begin(), knobs_[i].values.end(), v->second);
    if (at == knobs_[i].values.end())
      throw Error(source, fmt::format("sets knob '{}' to {}, which it cannot take", knobs_[i].name,
                                      v->second));
    c[i] = static_cast<std::uint32_t>(at - knobs_[i].values.begin());
  }
  return c;
}

SearchSpace SearchSpace::restricted(const std::string& name,
                                    const std::vector<std::int64_t>& values,
                                    const std::string& source) const {
  std::vector<Knob> knobs = knobs_;
  const auto knob =
      std::find_if(knobs.begin(), knobs.end(), [&](const Knob& k) { return k.name == name; });
  if (knob == knobs.end()) throw usage_error(source, "names no knob '" + name + "' of the space");
  std::vector<std::int64_t> kept;
  for (const std::int64_t v : knob->values) {
    if (std::find(values.begin(), values.end(), v) != values.end()) kept.push_back(v);
  }
  for (const std::int64_t v : values) {
    if (std::find(kept.begin(), kept.end(), v) == kept.end())
      throw usage_error(source, fmt::format("sets knob '{}' to {}, which it cannot take", name, v));
  }
  knob->values = std::move(kept);
  return SearchSpace(std::move(knobs));
}

std::string SearchSpace::describe(const Config& config) const {
  std::string out;
  for (std::size_t i = 0; i < knobs_.size(); ++i) {
    if (i > 0) out += ' ';
    out += fmt::format("{}={}", knobs_[i].name, knobs_[i].values[config[i]]);
  }
  return out;
}

}  // namespace tessera::tune
