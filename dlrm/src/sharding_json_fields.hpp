// Readers of JSON fields for the planner's files (table statistics, plans): each error is a
// tessera::Error naming the file and the field, e.g. "stats.json: tables[2].rows: is missing".
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "tessera/core/error.hpp"

namespace tessera::dlrm {

/// Field readers over the JSON of the file `source` (kept by reference).
class JsonFields {
 public:
  explicit JsonFields(const std::string& source) : source_(source) {}

  /// Throws "source: field: problem".
  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw Error(source_, fmt::format("{}: {}", field, problem));
  }

  /// Checks `object` is a JSON object whose keys are all in `known`.
  void only(const nlohmann::json& object, const std::string& where,
            const std::set<std::string>& known) const {
    if (!object.is_object()) fail(where.empty() ? "top level" : where, "must be a JSON object");
    for (const auto& [key, value] : object.items()) {
      if (!known.contains(key)) fail(path(where, key), "is not a known field");
    }
  }

  /// The whole number object[key] in [lo, hi] (integral floats such as 4e7 accepted).
  std::int64_t whole(const nlohmann::json& object, const std::string& where, const std::string& key,
                     std::int64_t lo, std::int64_t hi) const {
    const std::string field = path(where, key);
    if (!object.contains(key)) fail(field, "is missing");
    const nlohmann::json& v = object.at(key);
    double x = 0.0;
    if (v.is_number_integer()) {
      x = static_cast<double>(v.get<std::int64_t>());
    } else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) {
      x = v.get<double>();
    } else {
      fail(field, "must be a whole number");
    }
    if (!(x >= static_cast<double>(lo) && x <= static_cast<double>(hi)))
      fail(field, fmt::format("must lie in [{}, {}], not {}", lo, hi, v.dump()));
    return static_cast<std::int64_t>(x);
  }

  /// The number object[key] in [lo, hi].
  double number(const nlohmann::json& object, const std::string& where, const std::string& key,
                double lo, double hi) const {
    const std::string field = path(where, key);
    if (!object.contains(key)) fail(field, "is missing");
    const nlohmann::json& v = object.at(key);
    if (!v.is_number()) fail(field, "must be a number");
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi)) fail(field, fmt::format("must lie in [{}, {}], not {}", lo, hi, x));
    return x;
  }

  /// The non-empty string object[key].
  std::string text(const nlohmann::json& object, const std::string& where,
                   const std::string& key) const {
    const std::string field = path(where, key);
    if (!object.contains(key)) fail(field, "is missing");
    const nlohmann::json& v = object.at(key);
    if (!v.is_string() || v.get<std::string>().empty()) fail(field, "must be a non-empty string");
    return v.get<std::string>();
  }

  /// parse(), with a tessera::Error it throws re-thrown as one naming the file and `field`.
  template <class Parse>
  auto named(const std::string& field, Parse&& parse) const {
    try {
      return parse();
    } catch (const Error& e) {
      fail(field, e.problem());
    }
  }

  /// "where.key", or "key" at the top level.
  static std::string path(const std::string& where, const std::string& key) {
    return where.empty() ? key : where + "." + key;
  }

 private:
  const std::string& source_;
};

/// `text` parsed as JSON; tessera::Error naming `source` when it is not.
inline nlohmann::json parse_json(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(source, fmt::format("is not JSON: {}", e.what()));
  }
}

}  // namespace tessera::dlrm
