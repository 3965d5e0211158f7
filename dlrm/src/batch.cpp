// A range of a batch's samples as a batch of its own (batch.hpp).
#include "tessera/dlrm/batch.hpp"

#include <fmt/format.h>

#include "tessera/core/error.hpp"

namespace tessera::dlrm {

Batch slice(const Batch& all, std::int64_t first, std::int64_t count) {
  if (first < 0 || count < 0 || count > all.size - first)
    throw Error("batch",
                fmt::format("samples [{}, {}) are outside its {}", first, first + count, all.size));
  const SparseFeatures& bags = all.sparse;
  if (all.dense.size() != static_cast<std::size_t>(all.size * all.dense_features) ||
      all.labels.size() != static_cast<std::size_t>(all.size) || bags.samples != all.size ||
      bags.offsets.size() != static_cast<std::size_t>(bags.tables * bags.samples + 1))
    throw Error("batch", "its dense features, labels or bags do not match its size");
  Batch part;
  part.size = count;
  part.dense_features = all.dense_features;
  part.dense.assign(all.dense.begin() + first * all.dense_features,
                    all.dense.begin() + (first + count) * all.dense_features);
  part.labels.assign(all.labels.begin() + first, all.labels.begin() + first + count);
  const SparseFeatures& from = all.sparse;
  SparseFeatures& to = part.sparse;
  to.tables = from.tables;
  to.samples = count;
  to.offsets.push_back(0);
  for (std::int64_t t = 0; t < from.tables; ++t) {
    const auto bag = static_cast<std::size_t>(t * from.samples + first);
    const std::int64_t begin = from.offsets[bag],
                       end = from.offsets[bag + static_cast<std::size_t>(count)];
    to.ids.insert(to.ids.end(), from.ids.begin() + begin, from.ids.begin() + end);
    if (!from.weights.empty())
      to.weights.insert(to.weights.end(), from.weights.begin() + begin, from.weights.begin() + end);
    for (std::int64_t s = 1; s <= count; ++s)
      to.offsets.push_back(to.offsets.back() + from.offsets[bag + static_cast<std::size_t>(s)] -
                           from.offsets[bag + static_cast<std::size_t>(s) - 1]);
  }
  return part;
}

}  // namespace tessera::dlrm
