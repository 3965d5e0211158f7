// How many trials a search needs on recorded tables: each search run on each table with each
// seed (ReplayMeasurer, so nothing is timed), counting the trials until one configuration comes
// within a fraction of the table's fastest. The measure behind "GA needs at most half the trials
// of random search".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tessera/tune/measure.hpp"

namespace tessera::tune {

struct ReplayStudy {
  std::string search;
  /// Per table (outer) and seed (inner): trials to come within the fraction, 1-based; the
  /// space's size + 1 where the search never did.
  std::vector<std::size_t> trials;
  double median = 0;
};

/// `search` (one of kSearchNames) on every table with seeds 1..seeds, each run allowed
/// `max_trials` trials (0: as many as its table has configurations).
ReplayStudy replay_study(std::span<const ReplayTable> tables, const std::string& search,
                         std::uint64_t seeds, double fraction = 0.95, std::size_t max_trials = 0);

}  // namespace tessera::tune
