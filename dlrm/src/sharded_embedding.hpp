// The embedding tables of a hybrid-parallel model: this rank's shards and replicas in two
// table-batched operators, and the exchanges of a step (Neo's, ../shared/papers/dlrm.md 1.4):
//   forward:  every rank sends each shard's owner its samples' ids of that shard's rows (all-to-all
//             "ids"); owners pool over the whole batch and send each rank its samples' pooled
//             columns ("pooled"); partial sums of a table's row blocks are added in rank order.
//   backward: every rank sends each owner its samples' gradients of the owner's columns
//             ("gradients"); owners run the exact fused update over the whole batch, samples in
//             global order, so each row's update is the one a single process would make.
// Replicated (data-parallel) tables pool locally; their ids and gradients go to every rank, and
// every replica makes the same update. One process with every table whole skips the exchanges.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "embedding_store.hpp"
#include "tessera/dlrm/batch.hpp"
#include "tessera/dlrm/distribution.hpp"
#include "tessera/dlrm/embedding.hpp"

namespace tessera::dlrm::detail {

class ShardedEmbedding {
 public:
  /// tessera::Error naming "plan" when distribution.tables does not place `tables` on the ranks,
  /// or places them in a way the optimizer or pooling cannot train exactly (row blocks under mean
  /// pooling, column slices under row-wise AdaGrad).
  ShardedEmbedding(std::vector<TableSpec> tables, Pooling pooling, OptimizerConfig optimizer,
                   const Distribution& distribution);

  /// This rank's blocks of the weights TableBatchedEmbedding::initialize gives the whole tables.
  void initialize(std::uint64_t seed);

  /// Sum of the tables' dims: the width of a sample's pooled output.
  std::int64_t total_dim() const { return total_dim_; }
  /// Samples of the batch over all ranks, as of the last forward.
  std::int64_t global_samples() const { return global_samples_; }

  /// Collective. pooled (local.samples, total_dim()) for this rank's samples `local` (bags of
  /// every table), keeping the whole batch's bags of this rank's shards for the backward.
  void forward(const SparseFeatures& local, std::span<float> pooled);
  /// Collective. Updates every shard with d loss / d pooled of the last forward's samples.
  void backward_update(const SparseFeatures& local, std::span<const float> pooled_gradient);

  /// A tiered store's read-ahead of `next`'s rows, where this rank's tables are tiered and take
  /// the bags as they come (one process); safe beside a step.
  void prefetch(const SparseFeatures& next) const;
  /// The counts of this rank's tiered store, if it has one.
  std::optional<TierStats> store_stats() const;

  /// Most bytes of a table that a walk to read gathers in one exchange (256 MiB unless set).
  void set_gather_bytes(std::int64_t bytes) { gather_bytes_ = bytes; }

  /// Collective. visit(t, weights, state) with the whole of table t ((rows, dim) weights and its
  /// optimizer state). kRead: gathered on rank 0 (the other ranks visit zeros); kWrite: visit
  /// fills the arrays on every rank, and each rank keeps its blocks of them.
  void for_each_table(
      const std::function<void(std::size_t, std::span<float>, std::span<float>)>& visit,
      ArrayAccess access);

 private:
  // A block of a table that some rank holds: a shard, or (replicated) the whole table.
  struct Entry {
    std::size_t table = 0;
    std::int64_t row_begin = 0, row_end = 0, col_begin = 0, col_end = 0;
    bool replicated = false;
    std::size_t local = 0;  // its table in the holder's operator (owned or replicated)
  };

  /// Whether a block's row numbers travel in 64 bits (else 32).
  static bool wide_ids(const Entry& e);
  void write_ids(const SparseFeatures& local, const Entry& e, std::vector<std::byte>& out) const;
  void read_ids(const RankBuffers& incoming);
  void exchange_pooled(std::span<float> pooled);
  void pool_replicas(const SparseFeatures& local, std::span<float> pooled);

  std::vector<TableSpec> tables_;
  std::vector<std::int64_t> dim_offsets_;
  std::int64_t total_dim_ = 0;
  OptimizerConfig optimizer_;
  std::shared_ptr<Communicator> communicator_;
  CommPrecisions precision_;
  bool direct_ = false;  // one rank, every table whole: no exchanges
  std::int64_t gather_bytes_ = std::int64_t{256} << 20;
  std::vector<std::vector<Entry>> entries_;           // per rank: the blocks it holds, shards first
  std::optional<EmbeddingStore> owned_, replicated_;  // shards (tiered or not), replicas
  // The last forward's: samples per rank, where each rank's start, and the whole batch's bags.
  std::vector<std::int64_t> samples_, starts_;
  std::int64_t global_samples_ = 0;
  SparseFeatures owned_bags_, replicated_bags_;
  std::vector<float> owned_pooled_, owned_gradient_, replicated_gradient_, scratch_;
};

}  // namespace tessera::dlrm::detail
