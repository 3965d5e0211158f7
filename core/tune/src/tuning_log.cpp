// The tuning log's JSON lines (schema "tessera.tune.log", version 1) and the hardware
// fingerprint that keys them.
#include "tessera/tune/tuning_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "tessera/core/cache_sizes.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"

namespace tessera::tune {

const std::string& hardware_fingerprint() {
  static const std::string fingerprint = [] {
    const CpuFeatures cpu = detect_cpu_features();
    const CacheSizes caches = detect_cache_sizes();
    std::string features;
    for (const auto& [name, present] : cpu.list()) {
      if (present) features += (features.empty() ? "" : ",") + name;
    }
    return fmt::format("{} ({}); {}; L1d {} KiB, L2 {} KiB, L3 {} KiB", cpu.brand, cpu.vendor,
                       features, caches.l1d >> 10, caches.l2 >> 10, caches.l3 >> 10);
  }();
  return fingerprint;
}

TuningLog TuningLog::open(const std::string& path) {
  TuningLog log;
  log.path_ = path;
  std::ifstream in(path);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const std::string where = fmt::format("{}:{}", path, number);
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      if (j.at("schema") != "tessera.tune.log" || j.at("version") != 1)
        throw Error(where, "is not a version-1 tessera.tune.log record");
      LogRecord r;
      r.task = j.at("task").get<std::string>();
      r.fingerprint = j.at("fingerprint").get<std::string>();
      r.search = j.at("search").get<std::string>();
      r.config = j.at("config").get<std::map<std::string, std::int64_t>>();
      r.seconds = j.at("seconds").is_null() ? std::numeric_limits<double>::infinity()
                                            : j.at("seconds").get<double>();
      r.final = j.at("final").get<bool>();
      log.records_.push_back(std::move(r));
    } catch (const nlohmann::json::exception& e) {
      throw Error(where, std::string("is not a tuning-log record: ") + e.what());
    }
  }
  return log;
}

std::optional<LogRecord> TuningLog::final_record(const std::string& task,
                                                 const std::string& fingerprint) const {
  for (auto r = records_.rbegin(); r != records_.rend(); ++r) {
    if (r->final && r->task == task && r->fingerprint == fingerprint) return *r;
  }
  return std::nullopt;
}

std::vector<std::string> TuningLog::other_fingerprints(const std::string& task,
                                                       const std::string& fingerprint) const {
  std::vector<std::string> out;
  for (const LogRecord& r : records_) {
    if (r.final && r.task == task && r.fingerprint != fingerprint &&
        std::find(out.begin(), out.end(), r.fingerprint) == out.end())
      out.push_back(r.fingerprint);
  }
  return out;
}

void TuningLog::append(const LogRecord& record) {
  const nlohmann::json j{{"schema", "tessera.tune.log"},
                         {"version", 1},
                         {"task", record.task},
                         {"fingerprint", record.fingerprint},
                         {"search", record.search},
                         {"config", record.config},
                         {"seconds", std::isfinite(record.seconds) ? nlohmann::json(record.seconds)
                                                                   : nlohmann::json(nullptr)},
                         {"final", record.final}};
  std::ofstream out(path_, std::ios::app);
  out << j.dump() << '\n';
  out.flush();
  if (!out) throw Error(path_, "cannot be appended to");
  records_.push_back(record);
}

}  // namespace tessera::tune
