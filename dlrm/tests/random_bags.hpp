// Random bags of ids for the embedding operators' tests: skewed ids (many repeats, also within a
// bag), some empty bags, optional per-id weights, all from a seed.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/core/rng.hpp"
#include "tessera/dlrm/batch.hpp"
#include "tessera/dlrm/embedding.hpp"

namespace tessera::dlrm {

// Bags of `tables` for `samples` samples, 0 to max_pooling ids each (so some are empty), ids Zipf-
// like (many repeats, also within a bag), weights when `weighted`.
inline SparseFeatures random_bags(const std::vector<TableSpec>& tables, std::int64_t samples,
                                  std::int64_t max_pooling, bool weighted, std::uint64_t seed) {
  const CounterRng rng(seed, 0);
  std::uint64_t draw = 0;
  SparseFeatures bags;
  bags.tables = static_cast<std::int64_t>(tables.size());
  bags.samples = samples;
  bags.offsets.push_back(0);
  for (const TableSpec& table : tables) {
    for (std::int64_t s = 0; s < samples; ++s) {
      const auto n = static_cast<std::int64_t>(rng.uniform_int(draw++, max_pooling + 1));
      for (std::int64_t i = 0; i < n; ++i) {
        const double u = rng.uniform(draw++);
        bags.ids.push_back(static_cast<std::int64_t>(static_cast<double>(table.rows) * u * u *
                                                     u));  // skewed towards row 0
        if (weighted) bags.weights.push_back(rng.uniform_float(draw++, 0.5f, 1.5f));
      }
      bags.offsets.push_back(static_cast<std::int64_t>(bags.ids.size()));
    }
  }
  return bags;
}

}  // namespace tessera::dlrm
