// The table-batched embedding operator (FBGEMM's TBE): every local table in one buffer, one
// forward over all of them (sum or mean pooling of each bag, per-id weights optional), and a
// backward fused with the optimizer that never materialises the embedding gradient. The update is
// exact: each table's ids are sorted by row, each unique row's gradient is summed in a fixed order
// (by sample, then position in the bag) and applied once, rows in parallel without atomics, so
// the weights after a step are bitwise the same for any thread count.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tessera/dlrm/batch.hpp"
#include "tessera/dlrm/optimizer.hpp"

namespace tessera::dlrm {

enum class Pooling { kSum, kMean };

struct TableSpec {
  std::int64_t rows = 0;
  std::int64_t dim = 0;
};

class TableBatchedEmbedding {
 public:
  /// Tables of at least one row and one column (tessera::Error naming the table otherwise).
  TableBatchedEmbedding(std::vector<TableSpec> tables, Pooling pooling, OptimizerConfig optimizer);
  ~TableBatchedEmbedding();
  TableBatchedEmbedding(TableBatchedEmbedding&&) noexcept;
  TableBatchedEmbedding& operator=(TableBatchedEmbedding&&) noexcept;

  /// Weights uniform in [-1/sqrt(rows), 1/sqrt(rows)) per table, as DLRM initialises them, each a
  /// pure function of (seed, table, row, column); optimizer state zero.
  void initialize(std::uint64_t seed);

  const std::vector<TableSpec>& tables() const { return tables_; }
  /// Sum of the tables' dims: the width of a sample's pooled output.
  std::int64_t total_dim() const { return total_dim_; }
  /// Column of table t's vector in a sample's pooled output.
  std::int64_t dim_offset(std::size_t t) const { return dim_offsets_[t]; }

  /// pooled (bags.samples, total_dim) row-major: each sample's pooled vectors of all tables side
  /// by side. tessera::Error naming "bags" when their shape or an id does not fit the tables.
  void forward(const SparseFeatures& bags, std::span<float> pooled) const;

  /// Given d loss / d pooled (same layout as forward's output) for the same bags, applies the
  /// optimizer to every row the bags touch, once per row.
  void backward_update(const SparseFeatures& bags, std::span<const float> pooled_gradient);

  /// Table t's weights, (rows, dim) row-major.
  std::span<float> weights(std::size_t t);
  std::span<const float> weights(std::size_t t) const;
  /// Table t's optimizer state: (rows, dim) for AdaGrad, (rows) for row-wise AdaGrad, else empty.
  std::span<const float> state(std::size_t t) const;
  std::span<float> state(std::size_t t);

 private:
  std::vector<TableSpec> tables_;
  Pooling pooling_;
  OptimizerConfig optimizer_;
  std::int64_t total_dim_ = 0;
  std::vector<std::int64_t> dim_offsets_;
  std::vector<std::int64_t> weight_offsets_, state_offsets_;  // per table, into the buffers
  std::vector<float> weights_, state_;
  struct Workspace;  // the backward's buffers, kept from one step to the next
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace tessera::dlrm
