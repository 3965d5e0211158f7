// The space a schedule search walks: named knobs, each with a short list of values (tile sizes,
// loop orders, unroll factors); a configuration is one value index per knob.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::tune {

/// One tunable parameter and the values it may take, in an order where neighbours are similar
/// (the policy-gradient search moves an index by one).
struct Knob {
  std::string name;
  std::vector<std::int64_t> values;
};

/// A point of a space: one index into each knob's values, in knob order.
using Config = std::vector<std::uint32_t>;

class SearchSpace {
 public:
  /// tessera::Error (usage) for no knobs, a knob without values, or two knobs of one name.
  explicit SearchSpace(std::vector<Knob> knobs);

  const std::vector<Knob>& knobs() const { return knobs_; }
  /// The number of configurations (the product of the knobs' value counts).
  std::uint64_t size() const { return size_; }
  /// The configuration of mixed-radix `index` < size(), the first knob varying slowest.
  Config config_at(std::uint64_t index) const;
  /// The mixed-radix index of `config` (inverse of config_at).
  std::uint64_t index_of(const Config& config) const;
  /// The value of knob `name` in `config`; tessera::Error for an unknown knob.
  std::int64_t value(const Config& config, const std::string& name) const;
  /// Knob name -> value.
  std::map<std::string, std::int64_t> values(const Config& config) const;
  /// The configuration of these knob values; tessera::Error naming `source` for a knob missing,
  /// unknown, or set to a value it does not have.
  Config config_of(const std::map<std::string, std::int64_t>& values,
                   const std::string& source) const;
  /// This space with knob `name` limited to `values` (kept in the knob's order); tessera::Error
  /// naming `source` for an unknown knob, no values, or a value the knob does not have.
  SearchSpace restricted(const std::string& name, const std::vector<std::int64_t>& values,
                         const std::string& source) const;
  /// "mr=4 nv=2 kc=256" for people and logs.
  std::string describe(const Config& config) const;

 private:
  std::vector<Knob> knobs_;
  std::uint64_t size_ = 1;
};

}  // namespace tessera::tune
