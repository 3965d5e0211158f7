// One rank's embedding tables, all in RAM (TableBatchedEmbedding) or tiered (TieredEmbedding: a
// RAM cache over a file on disk), behind the calls the sharded tables make. Both give the same
// bits.
#pragma once

#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "tessera/dlrm/embedding.hpp"
#include "tessera/dlrm/tiered_embedding.hpp"

namespace tessera::dlrm::detail {

class EmbeddingStore {
 public:
  /// Tiered when `tier` is given.
  EmbeddingStore(std::vector<TableSpec> tables, Pooling pooling, OptimizerConfig optimizer,
                 const std::optional<TierConfig>& tier);

  std::int64_t total_dim() const;
  std::int64_t dim_offset(std::size_t t) const;
  void forward(const SparseFeatures& bags, std::span<float> pooled);
  void backward_update(const SparseFeatures& bags, std::span<const float> pooled_gradient);
  /// Table t's weights and state to read or write (a tiered store writes the table's cached rows
  /// back and empties its cache first).
  std::span<float> weights(std::size_t t);
  std::span<float> state(std::size_t t);
  /// A tiered store's read-ahead of `next`'s rows (safe beside a step); nothing in RAM.
  void prefetch(const SparseFeatures& next) const;
  /// A tiered store's counts.
  std::optional<TierStats> stats() const;

 private:
  std::variant<TableBatchedEmbedding, TieredEmbedding> store_;
};

}  // namespace tessera::dlrm::detail
