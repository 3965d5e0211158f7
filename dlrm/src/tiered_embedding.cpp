// The tiered embedding store (tiered_embedding.hpp). The cache's slots are the rows of an inner
// TableBatchedEmbedding: a step makes the batch's rows resident (evicting, and writing back, rows
// of earlier steps), replaces each id by its slot and runs the inner operator on those bags. Its
// fused backward sums each row's gradient in the order of the batch, whatever the row's number,
// and rows update independently, so every step gives the bits of the all-in-RAM operator.
#include "tessera/dlrm/tiered_embedding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <system_error>
#include <utility>

#include "bag_checks.hpp"
#include "cache_sets.hpp"
#include "cold_tier_file.hpp"
#include "initial_weights.hpp"
#include "tessera/core/error.hpp"

namespace tessera::dlrm {
namespace {

// Each table's cache, as the constructor's comment in tiered_embedding.hpp says; tessera::Error
// naming "embedding tables" or "tier config" for tables or a config that give none.
std::vector<detail::CacheSets> make_cache_sets(const std::vector<TableSpec>& tables,
                                               const TierConfig& tier) {
  if (tables.empty()) throw Error("embedding tables", "no tables");
  for (std::size_t t = 0; t < tables.size(); ++t)
    if (tables[t].rows < 1 || tables[t].dim < 1)
      throw Error("embedding tables",
                  fmt::format("table {} has {} rows of dim {}: needs at least 1 of each", t,
                              tables[t].rows, tables[t].dim));
  if (tier.ways < 1)
    throw Error("tier config", fmt::format("ways is {}: needs at least 1", tier.ways));
  if (!tier.cache_rows.empty() && tier.cache_rows.size() != tables.size())
    throw Error("tier config", fmt::format("cache_rows has {} entries for {} tables",
                                           tier.cache_rows.size(), tables.size()));
  if (tier.cache_rows.empty() && !(tier.cache_fraction > 0.0 && tier.cache_fraction <= 1.0))
    throw Error("tier config",
                fmt::format("cache_fraction is {}: needs a value in (0, 1]", tier.cache_fraction));
  std::vector<detail::CacheSets> sets;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    const std::int64_t rows = tables[t].rows;
    std::int64_t slots = 0;
    if (tier.cache_rows.empty()) {
      slots = std::min(rows, static_cast<std::int64_t>(
                                 std::ceil(tier.cache_fraction * static_cast<double>(rows))));
    } else {
      slots = tier.cache_rows[t];
      if (slots < 1 || slots > rows)
        throw Error(
            "tier config",
            fmt::format("cache_rows of table {} is {}: needs 1 to its {} rows", t, slots, rows));
    }
    const std::int64_t ways = std::min(tier.ways, slots);
    sets.emplace_back(rows, (slots + ways - 1) / ways, ways, tier.policy);
  }
  return sets;
}

// The inner operator's tables: one row per cache slot.
std::vector<TableSpec> cache_tables(const std::vector<TableSpec>& tables,
                                    const std::vector<detail::CacheSets>& sets) {
  std::vector<TableSpec> slots;
  for (std::size_t t = 0; t < tables.size(); ++t)
    slots.push_back({sets[t].sets() * sets[t].ways(), tables[t].dim});
  return slots;
}

std::size_t whole_pages(std::size_t bytes) {
  const std::size_t page = detail::ColdTierFile::page_size();
  return (bytes + page - 1) / page * page;
}

}  // namespace

double TierStats::hit_rate() const {
  const std::int64_t lookups = hits + misses;
  return lookups == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(lookups);
}

struct TieredEmbedding::Impl {
  Impl(std::vector<TableSpec> table_specs, Pooling pooling, OptimizerConfig optimizer,
       const TierConfig& tier);

  float* cold_weights(std::size_t t) const {
    return reinterpret_cast<float*>(file->bytes().data() + weight_offsets[t]);
  }
  float* cold_state(std::size_t t) const {
    return reinterpret_cast<float*>(file->bytes().data() + state_offsets[t]);
  }
  std::int64_t row_bytes(std::size_t t) const {
    return (tables[t].dim + state_widths[t]) * static_cast<std::int64_t>(sizeof(float));
  }

  // Copies `row` of table t from the cold tier into `slot`, which then holds it.
  void load(std::size_t t, std::int64_t row, std::int64_t slot);
  // Copies the row in `slot` of table t back to the cold tier; the slot keeps it, unchanged.
  void write_back(std::size_t t, std::int64_t slot);
  void write_back_changed(std::size_t t);
  // tessera::Error naming "tiered embedding" while the cache holds changed rows of table t.
  void check_flushed(std::size_t t) const;
  // Writes table t's changed rows back and empties its cache.
  void evict_table(std::size_t t);
  // Makes every row of `bags` resident for a new step: `resident` becomes the bags with slots for
  // ids. tessera::Error (from the lowest table that fails) when an id is outside its table or a
  // cache set cannot hold the step's rows; `resident` is then invalid.
  void make_resident(const SparseFeatures& bags);
  void make_table_resident(std::size_t t, const SparseFeatures& bags);

  std::vector<TableSpec> tables;
  std::vector<detail::CacheSets> sets;
  TableBatchedEmbedding cache;  // row s of table t: slot s of table t's cache
  std::vector<std::int64_t> state_widths;
  std::vector<std::size_t> weight_offsets, state_offsets;  // bytes into the cold tier, per table
  std::unique_ptr<detail::ColdTierFile> file;
  std::vector<TierStats> table_stats;
  std::uint64_t step = 0;
  SparseFeatures resident;                 // the last bags made resident, with slots for ids
  std::vector<std::int64_t> resident_ids;  // and their ids
  bool resident_valid = false;
};

TieredEmbedding::Impl::Impl(std::vector<TableSpec> table_specs, Pooling pooling,
                            OptimizerConfig optimizer, const TierConfig& tier)
    : tables(std::move(table_specs)),
      sets(make_cache_sets(tables, tier)),
      cache(cache_tables(tables, sets), pooling, optimizer),
      table_stats(tables.size()) {
  std::size_t bytes = 0;
  for (const TableSpec& spec : tables) {
    const std::int64_t width = state_per_row(optimizer.kind, spec.dim);
    state_widths.push_back(width);
    weight_offsets.push_back(bytes);
    bytes += whole_pages(static_cast<std::size_t>(spec.rows * spec.dim) * sizeof(float));
    state_offsets.push_back(bytes);
    bytes += whole_pages(static_cast<std::size_t>(spec.rows * width) * sizeof(float));
  }
  std::filesystem::path directory = tier.directory;
  if (directory.empty()) {
    std::error_code error;
    directory = std::filesystem::temp_directory_path(error);
    if (error) throw Error("temporary folder", error.message());
  }
  file = std::make_unique<detail::ColdTierFile>(directory, bytes);
}

void TieredEmbedding::Impl::load(std::size_t t, std::int64_t row, std::int64_t slot) {
  const std::int64_t dim = tables[t].dim, width = state_widths[t];
  std::memcpy(cache.weights(t).data() + slot * dim, cold_weights(t) + row * dim,
              static_cast<std::size_t>(dim) * sizeof(float));
  if (width > 0)
    std::memcpy(cache.state(t).data() + slot * width, cold_state(t) + row * width,
                static_cast<std::size_t>(width) * sizeof(float));
  sets[t].hold(slot, row);
  ++table_stats[t].misses;
  table_stats[t].bytes_read += row_bytes(t);
}

void TieredEmbedding::Impl::write_back(std::size_t t, std::int64_t slot) {
  const std::int64_t dim = tables[t].dim, width = state_widths[t], row = sets[t].row(slot);
  std::memcpy(cold_weights(t) + row * dim, cache.weights(t).data() + slot * dim,
              static_cast<std::size_t>(dim) * sizeof(float));
  if (width > 0)
    std::memcpy(cold_state(t) + row * width, cache.state(t).data() + slot * width,
                static_cast<std::size_t>(width) * sizeof(float));
  sets[t].mark_unchanged(slot);
  table_stats[t].bytes_written += row_bytes(t);
}

void TieredEmbedding::Impl::write_back_changed(std::size_t t) {
  const std::int64_t slots = sets[t].sets() * sets[t].ways();
  for (std::int64_t slot = 0; slot < slots && sets[t].changed_slots() > 0; ++slot)
    if (sets[t].changed(slot)) write_back(t, slot);
}

void TieredEmbedding::Impl::check_flushed(std::size_t t) const {
  if (sets.at(t).changed_slots() > 0)
    throw Error("tiered embedding",
                fmt::format("the cache holds {} changed rows of table {}: flush() before reading "
                            "the table",
                            sets[t].changed_slots(), t));
}

void TieredEmbedding::Impl::evict_table(std::size_t t) {
  write_back_changed(t);
  sets.at(t).empty();
  resident_valid = false;
}

void TieredEmbedding::Impl::make_resident(const SparseFeatures& bags) {
  detail::check_bag_shape(bags, tables.size());
  resident_valid = false;
  ++step;
  resident.tables = bags.tables;
  resident.samples = bags.samples;
  resident.offsets = bags.offsets;
  resident.ids.resize(bags.ids.size());
  resident.weights = bags.weights;
  resident_ids = bags.ids;
  std::vector<std::exception_ptr> failures(tables.size());
  const auto table_count = static_cast<std::int64_t>(tables.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t t = 0; t < table_count; ++t) {
    try {
      make_table_resident(static_cast<std::size_t>(t), bags);
    } catch (...) {
      failures[static_cast<std::size_t>(t)] = std::current_exception();
    }
  }
  for (const std::exception_ptr& failure : failures)
    if (failure) std::rethrow_exception(failure);
  resident_valid = true;
}

void TieredEmbedding::Impl::make_table_resident(std::size_t t, const SparseFeatures& bags) {
  detail::CacheSets& cache_sets = sets[t];
  const auto samples = static_cast<std::size_t>(bags.samples);
  for (auto i = static_cast<std::size_t>(bags.offsets[t * samples]);
       i < static_cast<std::size_t>(bags.offsets[(t + 1) * samples]); ++i) {
    const std::int64_t row = bags.ids[i];
    detail::check_id(row, t, tables[t].rows);
    std::int64_t slot = cache_sets.find(row);
    if (slot < 0) {
      slot = cache_sets.victim(row, step);
      if (slot < 0)
        throw Error("tier config",
                    fmt::format("table {}: the bags touch more rows of cache set {} (rows r with r "
                                "mod {} = {}) than its {} ways hold; give the table a larger cache "
                                "(cache_fraction, cache_rows) or more ways",
                                t, cache_sets.set_of(row), cache_sets.sets(),
                                cache_sets.set_of(row), cache_sets.ways()));
      if (cache_sets.row(slot) >= 0 && cache_sets.changed(slot)) write_back(t, slot);
      load(t, row, slot);
    } else if (!cache_sets.used_at(slot, step)) {
      ++table_stats[t].hits;
    }
    cache_sets.use(slot, step);
    resident.ids[i] = slot;
  }
}

TieredEmbedding::TieredEmbedding(std::vector<TableSpec> tables, Pooling pooling,
                                 OptimizerConfig optimizer, TierConfig tier)
    : impl_(std::make_unique<Impl>(std::move(tables), pooling, optimizer, tier)) {}

TieredEmbedding::~TieredEmbedding() = default;
TieredEmbedding::TieredEmbedding(TieredEmbedding&&) noexcept = default;
TieredEmbedding& TieredEmbedding::operator=(TieredEmbedding&&) noexcept = default;

void TieredEmbedding::initialize(std::uint64_t seed) {
  Impl& m = *impl_;
  for (std::size_t t = 0; t < m.tables.size(); ++t) {
    const detail::InitialWeights initial(seed, t, m.tables[t].rows);
    float* w = m.cold_weights(t);
    const std::int64_t n = m.tables[t].rows * m.tables[t].dim;
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) w[i] = initial(i);
    std::fill_n(m.cold_state(t), m.tables[t].rows * m.state_widths[t], 0.0f);
    m.sets[t].empty();
    m.sets[t].clear_counts();
  }
  m.resident_valid = false;
}

const std::vector<TableSpec>& TieredEmbedding::tables() const { return impl_->tables; }
std::int64_t TieredEmbedding::total_dim() const { return impl_->cache.total_dim(); }
std::int64_t TieredEmbedding::dim_offset(std::size_t t) const { return impl_->cache.dim_offset(t); }

std::int64_t TieredEmbedding::cache_rows(std::size_t t) const {
  return impl_->cache.tables().at(t).rows;
}

void TieredEmbedding::forward(const SparseFeatures& bags, std::span<float> pooled) {
  impl_->make_resident(bags);
  impl_->cache.forward(impl_->resident, pooled);
}

void TieredEmbedding::backward_update(const SparseFeatures& bags,
                                      std::span<const float> pooled_gradient) {
  Impl& m = *impl_;
  if (m.resident_valid && bags.ids == m.resident_ids && bags.offsets == m.resident.offsets) {
    m.resident.weights = bags.weights;
  } else {
    m.make_resident(bags);
  }
  m.cache.backward_update(m.resident, pooled_gradient);
  const auto samples = static_cast<std::size_t>(m.resident.samples);
  for (std::size_t t = 0; t < m.tables.size(); ++t)
    for (auto i = static_cast<std::size_t>(m.resident.offsets[t * samples]);
         i < static_cast<std::size_t>(m.resident.offsets[(t + 1) * samples]); ++i)
      m.sets[t].mark_changed(m.resident.ids[i]);
}

void TieredEmbedding::prefetch(const SparseFeatures& next) const {
  const Impl& m = *impl_;
  detail::check_bag_shape(next, m.tables.size());
  const std::size_t page = detail::ColdTierFile::page_size();
  std::vector<std::size_t> pages;  // of the cold tier that rows not cached now lie on
  const auto add_pages = [&](std::size_t offset, std::size_t length) {
    for (std::size_t p = offset / page; p <= (offset + length - 1) / page; ++p) pages.push_back(p);
  };
  const auto samples = static_cast<std::size_t>(next.samples);
  for (std::size_t t = 0; t < m.tables.size(); ++t) {
    const std::int64_t dim = m.tables[t].dim, width = m.state_widths[t];
    for (auto i = static_cast<std::size_t>(next.offsets[t * samples]);
         i < static_cast<std::size_t>(next.offsets[(t + 1) * samples]); ++i) {
      const std::int64_t row = next.ids[i];
      detail::check_id(row, t, m.tables[t].rows);
      if (m.sets[t].find(row) >= 0) continue;
      add_pages(m.weight_offsets[t] + static_cast<std::size_t>(row * dim) * sizeof(float),
                static_cast<std::size_t>(dim) * sizeof(float));
      if (width > 0)
        add_pages(m.state_offsets[t] + static_cast<std::size_t>(row * width) * sizeof(float),
                  static_cast<std::size_t>(width) * sizeof(float));
    }
  }
  std::sort(pages.begin(), pages.end());
  pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
  m.file->will_need(pages);
}

void TieredEmbedding::flush() {
  Impl& m = *impl_;
  const auto table_count = static_cast<std::int64_t>(m.tables.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t t = 0; t < table_count; ++t) m.write_back_changed(static_cast<std::size_t>(t));
}

std::span<const float> TieredEmbedding::weights(std::size_t t) const {
  const Impl& m = *impl_;
  m.check_flushed(t);
  return {m.cold_weights(t), static_cast<std::size_t>(m.tables[t].rows * m.tables[t].dim)};
}

std::span<const float> TieredEmbedding::state(std::size_t t) const {
  const Impl& m = *impl_;
  m.check_flushed(t);
  return {m.cold_state(t), static_cast<std::size_t>(m.tables[t].rows * m.state_widths[t])};
}

std::span<float> TieredEmbedding::weights(std::size_t t) {
  Impl& m = *impl_;
  m.evict_table(t);
  return {m.cold_weights(t), static_cast<std::size_t>(m.tables[t].rows * m.tables[t].dim)};
}

std::span<float> TieredEmbedding::state(std::size_t t) {
  Impl& m = *impl_;
  m.evict_table(t);
  return {m.cold_state(t), static_cast<std::size_t>(m.tables[t].rows * m.state_widths[t])};
}

TierStats TieredEmbedding::stats() const {
  TierStats total;
  for (const TierStats& s : impl_->table_stats) {
    total.hits += s.hits;
    total.misses += s.misses;
    total.bytes_read += s.bytes_read;
    total.bytes_written += s.bytes_written;
  }
  return total;
}

}  // namespace tessera::dlrm
