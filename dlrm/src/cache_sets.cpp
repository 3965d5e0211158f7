// One table's cache bookkeeping in the tiered embedding store (cache_sets.hpp): lookups in a set's
// ways, and the LRU or LFU choice of the way that makes room.
#include "cache_sets.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace tessera::dlrm::detail {

CacheSets::CacheSets(std::int64_t table_rows, std::int64_t sets, std::int64_t ways,
                     CachePolicy policy)
    : sets_(sets),
      ways_(ways),
      policy_(policy),
      rows_(static_cast<std::size_t>(sets * ways), -1),
      last_used_(rows_.size(), 0),
      changed_(rows_.size(), 0) {
  if (policy_ == CachePolicy::kLfu) lookups_.assign(static_cast<std::size_t>(table_rows), 0);
}

std::int64_t CacheSets::find(std::int64_t row) const {
  const std::int64_t first = set_of(row) * ways_;
  for (std::int64_t slot = first; slot < first + ways_; ++slot)
    if (this->row(slot) == row) return slot;
  return -1;
}

std::int64_t CacheSets::victim(std::int64_t row, std::uint64_t step) const {
  const std::int64_t first = set_of(row) * ways_;
  std::int64_t best = -1;
  std::tuple<std::uint32_t, std::uint64_t> best_key{};  // (lookups under LFU, last use)
  for (std::int64_t slot = first; slot < first + ways_; ++slot) {
    const auto at = static_cast<std::size_t>(slot);
    const std::int64_t held = this->row(slot);
    if (held < 0) return slot;
    if (last_used_[at] == step) continue;
    const std::uint32_t lookups =
        policy_ == CachePolicy::kLfu ? lookups_[static_cast<std::size_t>(held)] : 0;
    const std::tuple key{lookups, last_used_[at]};
    if (best < 0 || key < best_key) {
      best = slot;
      best_key = key;
    }
  }
  return best;
}

void CacheSets::hold(std::int64_t slot, std::int64_t row) {
  mark_unchanged(slot);
  std::atomic_ref(rows_[static_cast<std::size_t>(slot)]).store(row, std::memory_order_relaxed);
}

void CacheSets::use(std::int64_t slot, std::uint64_t step) {
  const auto at = static_cast<std::size_t>(slot);
  last_used_[at] = step;
  if (policy_ == CachePolicy::kLfu) {
    std::uint32_t& lookups = lookups_[static_cast<std::size_t>(row(slot))];
    if (lookups < std::numeric_limits<std::uint32_t>::max()) ++lookups;
  }
}

void CacheSets::mark_changed(std::int64_t slot) {
  std::uint8_t& changed = changed_[static_cast<std::size_t>(slot)];
  changed_slots_ += 1 - changed;
  changed = 1;
}

void CacheSets::mark_unchanged(std::int64_t slot) {
  std::uint8_t& changed = changed_[static_cast<std::size_t>(slot)];
  changed_slots_ -= changed;
  changed = 0;
}

void CacheSets::empty() {
  for (std::int64_t& held : rows_) std::atomic_ref(held).store(-1, std::memory_order_relaxed);
  std::fill(last_used_.begin(), last_used_.end(), 0);
  std::fill(changed_.begin(), changed_.end(), 0);
  changed_slots_ = 0;
}

void CacheSets::clear_counts() { std::fill(lookups_.begin(), lookups_.end(), 0); }

}  // namespace tessera::dlrm::detail
