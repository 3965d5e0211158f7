// The bookkeeping of one table's RAM cache in the tiered embedding store: which row each slot
// holds, the step that last used it (a slot used in the current step is pinned: the step's other
// rows may not evict it), whether its row changed since it was loaded, and for LFU how often each
// row of the table was looked up. Set-associative: row r may only sit in set r mod sets, whose
// ways are slots set · ways .. set · ways + ways - 1. Which row a slot holds is read and written
// atomically (relaxed), so that find() may run on another thread while one thread changes the
// rest; every other method belongs to that one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "tessera/dlrm/cache_policy.hpp"

namespace tessera::dlrm::detail {

class CacheSets {
 public:
  /// The cache of a table of `table_rows` rows: `sets` × `ways` empty slots.
  CacheSets(std::int64_t table_rows, std::int64_t sets, std::int64_t ways, CachePolicy policy);

  std::int64_t sets() const { return sets_; }
  std::int64_t ways() const { return ways_; }
  std::int64_t set_of(std::int64_t row) const { return row % sets_; }

  /// The slot holding `row`, or -1.
  std::int64_t find(std::int64_t row) const;
  /// The slot of row's set to load `row` into at `step`: an empty way, else the policy's victim
  /// among the ways not used at `step` (ties to the lowest way); -1 when every way was used then.
  std::int64_t victim(std::int64_t row, std::uint64_t step) const;

  /// The row `slot` holds, or -1.
  std::int64_t row(std::int64_t slot) const {
    return std::atomic_ref(rows_[static_cast<std::size_t>(slot)]).load(std::memory_order_relaxed);
  }
  bool used_at(std::int64_t slot, std::uint64_t step) const {
    return last_used_[static_cast<std::size_t>(slot)] == step;
  }
  bool changed(std::int64_t slot) const { return changed_[static_cast<std::size_t>(slot)] != 0; }
  /// Slots whose row changed since it was loaded.
  std::int64_t changed_slots() const { return changed_slots_; }

  /// `slot` now holds `row`, as loaded (unchanged).
  void hold(std::int64_t slot, std::int64_t row);
  /// Records a lookup of the row in `slot` at `step`.
  void use(std::int64_t slot, std::uint64_t step);
  void mark_changed(std::int64_t slot);
  void mark_unchanged(std::int64_t slot);
  /// Every slot empty (LFU's counts are kept).
  void empty();
  /// LFU's counts back to zero.
  void clear_counts();

 private:
  std::int64_t sets_, ways_;
  CachePolicy policy_;
  mutable std::vector<std::int64_t> rows_;  // per slot: its row, -1 when empty; atomic_ref only
  std::vector<std::uint64_t> last_used_;    // per slot: the step of its last lookup, 0 for none
  std::vector<std::uint8_t> changed_;       // per slot
  std::int64_t changed_slots_ = 0;
  std::vector<std::uint32_t> lookups_;  // LFU: per row of the table, saturating; else empty
};

}  // namespace tessera::dlrm::detail
