// A mini-batch of DLRM samples: dense features, one bag of ids per (table, sample) and labels.
// The bags are table-major CSR, the layout of a table-batched embedding operator's input
// (FBGEMM's TBE): bag (t, s) holds ids[offsets[t * size + s] .. offsets[t * size + s + 1]).
#pragma once

#include <cstdint>
#include <vector>

namespace tessera::dlrm {

/// Bags of ids of `tables` tables for `samples` samples, table-major.
struct SparseFeatures {
  std::int64_t tables = 0;
  std::int64_t samples = 0;
  std::vector<std::int64_t> offsets;  // tables * samples + 1 entries, offsets[0] = 0, ascending
  std::vector<std::int64_t> ids;      // row numbers in their table, 0 <= id < rows of the table
  std::vector<float> weights;         // empty (every id weighs 1), or one per id
};

/// `size` samples: dense features (size, dense_features) row-major, bags, labels in {0, 1}.
struct Batch {
  std::int64_t size = 0;
  std::int64_t dense_features = 0;
  std::vector<float> dense;
  SparseFeatures sparse;
  std::vector<float> labels;
};

/// Samples [first, first + count) of `all` (tessera::Error naming "batch" when out of range).
Batch slice(const Batch& all, std::int64_t first, std::int64_t count);

}  // namespace tessera::dlrm
