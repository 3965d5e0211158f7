// The tuning log: append-only JSON lines, one per measured configuration and one per finished
// tuning ("final", its re-measured best), each with the schema version, the task and the hardware
// fingerprint of the machine that measured it. A finished tuning of the same task on the same
// hardware is a warm start with no measurements; records of other hardware are reported, not used.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tessera::tune {

/// This machine's hardware as tuning results depend on it: CPU brand, vendor, the vector
/// features kernels dispatch on, and the cache sizes. Read once per process.
const std::string& hardware_fingerprint();

struct LogRecord {
  std::string task;         // what was tuned, with everything its timing depends on
  std::string fingerprint;  // hardware_fingerprint() of the machine that measured it
  std::string search;       // the strategy that proposed it ("random", "ga", "rl")
  std::map<std::string, std::int64_t> config;  // knob name -> value
  double seconds = 0;  // median seconds; infinity (written null) where it failed
  bool final = false;  // the re-measured best of a finished tuning
};

class TuningLog {
 public:
  /// The log at `path`, its records read when the file exists (a missing file is an empty log,
  /// created on the first append); tessera::Error naming the path and line for a line that is not
  /// a version-1 record.
  static TuningLog open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<LogRecord>& records() const { return records_; }
  /// The latest final record of `task` measured on `fingerprint`.
  std::optional<LogRecord> final_record(const std::string& task,
                                        const std::string& fingerprint) const;
  /// The fingerprints, other than `fingerprint`, under which `task` has a final record.
  std::vector<std::string> other_fingerprints(const std::string& task,
                                              const std::string& fingerprint) const;
  /// Writes `record` as one line at the end of the file (flushed) and keeps it.
  void append(const LogRecord& record);

 private:
  std::string path_;
  std::vector<LogRecord> records_;
};

}  // namespace tessera::tune
