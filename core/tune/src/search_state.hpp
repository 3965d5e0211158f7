// What every strategy keeps: the configurations proposed so far (for dedup) and a counter-based
// random stream, plus drawing a random configuration nobody proposed.
#pragma once

#include <optional>
#include <unordered_set>

#include "tessera/core/rng.hpp"
#include "tessera/tune/search.hpp"

namespace tessera::tune::detail {

class SearchState {
 public:
  SearchState(const SearchSpace& space, std::uint64_t seed, std::uint64_t stream)
      : space_(space), rng_(seed, stream) {}

  const SearchSpace& space() const { return space_; }
  /// Uniform in [0, 1) / in [0, n), the next draw of the stream.
  double uniform() { return rng_.uniform(draws_++); }
  std::uint64_t uniform_int(std::uint64_t n) { return rng_.uniform_int(draws_++, n); }
  bool proposed(const Config& c) const { return seen_.count(space_.index_of(c)) != 0; }
  bool exhausted() const { return seen_.size() >= space_.size(); }
  /// Marks `c` proposed; false if it already was.
  bool propose(const Config& c) { return seen_.insert(space_.index_of(c)).second; }
  /// A uniformly random configuration not yet proposed (marked proposed), nullopt when none is
  /// left. Rejection first; a scan from a random start once the space is mostly used.
  std::optional<Config> fresh_random() {
    if (exhausted()) return std::nullopt;
    for (int attempt = 0; attempt < 64; ++attempt) {
      Config c = space_.config_at(uniform_int(space_.size()));
      if (propose(c)) return c;
    }
    const std::uint64_t start = uniform_int(space_.size());
    for (std::uint64_t i = 0; i < space_.size(); ++i) {
      Config c = space_.config_at((start + i) % space_.size());
      if (propose(c)) return c;
    }
    return std::nullopt;
  }

 private:
  const SearchSpace& space_;
  CounterRng rng_;
  std::uint64_t draws_ = 0;
  std::unordered_set<std::uint64_t> seen_;
};

}  // namespace tessera::tune::detail
