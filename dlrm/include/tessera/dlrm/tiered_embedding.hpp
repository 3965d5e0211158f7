// The tiered embedding store: the table-batched embedding operator over tables larger than RAM.
// Hot rows live in a set-associative RAM cache (LRU or LFU, a row's weights and optimizer state
// together), cold rows in a file on disk mapped into memory. Each step first makes every row of
// the batch resident, then runs the all-in-RAM operator on the cache's slots, so the pooled output
// and the weights and state after each step are bitwise those of a TableBatchedEmbedding.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "tessera/dlrm/batch.hpp"
#include "tessera/dlrm/cache_policy.hpp"
#include "tessera/dlrm/embedding.hpp"
#include "tessera/dlrm/optimizer.hpp"

namespace tessera::dlrm {

struct TierConfig {
  double cache_fraction = 0.05;            // of each table's rows held in RAM, in (0, 1]
  std::vector<std::int64_t> cache_rows{};  // per table; replaces cache_fraction when not empty
  std::int64_t ways = 32;                  // rows a cache set holds (FBGEMM's 32)
  CachePolicy policy = CachePolicy::kLru;
  std::filesystem::path directory{};  // where the cold tier's file is made; empty: the temp folder
};

/// Counts since construction. A hit or a miss is one distinct row of one batch, counted when a
/// forward (or a backward_update on other bags than the last forward's) makes it resident.
struct TierStats {
  std::int64_t hits = 0;
  std::int64_t misses = 0;
  std::int64_t bytes_read = 0;     // from the cold tier: misses × (weights + state) of a row
  std::int64_t bytes_written = 0;  // to the cold tier: changed rows evicted or flushed

  /// hits / (hits + misses); 0 before any lookup.
  double hit_rate() const;
};

class TieredEmbedding {
 public:
  /// Tables as TableBatchedEmbedding takes them. Each table's cache holds
  /// min(rows, ceil(cache_fraction · rows)) rows (or cache_rows[t]) rounded up to whole sets of
  /// min(ways, those rows); row r belongs to set r mod sets. The cold tier is a file of each
  /// table's weights, then its state, as TableBatchedEmbedding lays them out (each array on whole
  /// pages), made in tier.directory and unlinked at once, so that it disappears with the store
  /// (or the process). tessera::Error naming "tier config" for a bad config, or the
  /// folder when the file cannot be made or its space reserved.
  TieredEmbedding(std::vector<TableSpec> tables, Pooling pooling, OptimizerConfig optimizer,
                  TierConfig tier);
  ~TieredEmbedding();
  TieredEmbedding(TieredEmbedding&&) noexcept;
  TieredEmbedding& operator=(TieredEmbedding&&) noexcept;

  /// The weights TableBatchedEmbedding::initialize(seed) gives, written to the cold tier; optimizer
  /// state zero; the cache emptied (and LFU's counts cleared).
  void initialize(std::uint64_t seed);

  const std::vector<TableSpec>& tables() const;
  /// Sum of the tables' dims: the width of a sample's pooled output.
  std::int64_t total_dim() const;
  /// Column of table t's vector in a sample's pooled output.
  std::int64_t dim_offset(std::size_t t) const;
  /// Rows table t's cache holds: sets × ways.
  std::int64_t cache_rows(std::size_t t) const;

  /// As TableBatchedEmbedding::forward, after making every row of the bags resident. tessera::Error
  /// naming "bags" as there, or "tier config" when one cache set cannot hold all the rows the bags
  /// touch in it (the store stays consistent, but the bags are not looked up).
  void forward(const SparseFeatures& bags, std::span<float> pooled);

  /// As TableBatchedEmbedding::backward_update. Bags equal to the last forward's (ids and offsets)
  /// reuse its slots; other bags are made resident first, as forward does.
  void backward_update(const SparseFeatures& bags, std::span<const float> pooled_gradient);

  /// Asks the kernel to read ahead the cold-tier pages of `next`'s rows that are neither cached
  /// now nor in memory (mincore, then madvise(MADV_WILLNEED): a hint, whose failures are ignored;
  /// nothing is copied). May run on another thread beside any other method (not the destructor or
  /// a move): it reads only which row each slot holds, atomically. tessera::Error naming "bags"
  /// as forward.
  void prefetch(const SparseFeatures& next) const;

  /// Writes every changed cached row back to the cold tier (the rows stay cached).
  void flush();

  /// Table t's weights, (rows, dim) row-major, and optimizer state (as TableBatchedEmbedding's),
  /// in the cold tier. tessera::Error naming "tiered embedding" while the cache holds changed rows
  /// of the table: flush() first.
  std::span<const float> weights(std::size_t t) const;
  std::span<const float> state(std::size_t t) const;
  /// The same, to write (restoring a checkpoint): writes table t's changed rows back and empties
  /// its cache first, so that later steps read what is written here.
  std::span<float> weights(std::size_t t);
  std::span<float> state(std::size_t t);

  TierStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::dlrm
