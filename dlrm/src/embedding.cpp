// The table-batched embedding operator (embedding.hpp): pooled lookups over all tables, and the
// exact fused backward and optimizer step (ids sorted by row with a stable radix sort, one summed
// gradient and one update per unique row). The loops over rows are built per instruction set
// (embedding_kernels.inc) and picked at run time.
#include "tessera/dlrm/embedding.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "bag_checks.hpp"
#include "initial_weights.hpp"
#include "row_update.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/huge_pages.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/core/prefetch.hpp"

namespace tessera::dlrm {
namespace {

// Ids ahead whose rows the forward prefetches.
constexpr std::int64_t kLookupPrefetch = 16;

// tessera::Error naming "bags" unless they are bags of `tables`' rows.
void check_bags(const SparseFeatures& bags, const std::vector<TableSpec>& tables) {
  detail::check_bag_shape(bags, tables.size());
  for (std::size_t t = 0; t < tables.size(); ++t) {
    const auto first = static_cast<std::size_t>(static_cast<std::int64_t>(t) * bags.samples);
    for (std::int64_t i = bags.offsets[first];
         i < bags.offsets[first + static_cast<std::size_t>(bags.samples)]; ++i)
      detail::check_id(bags.ids[static_cast<std::size_t>(i)], t, tables[t].rows);
  }
}

// Stable LSD radix sort, 11 bits a pass, of `keys` by their bits [low, high); `scratch` is the
// same size.
void radix_sort(std::span<std::uint64_t> keys, std::span<std::uint64_t> scratch, int low,
                int high) {
  constexpr int kDigitBits = 11;
  constexpr std::uint64_t kMask = (1u << kDigitBits) - 1;
  std::span<std::uint64_t> from = keys, to = scratch;
  for (int shift = low; shift < high; shift += kDigitBits) {
    std::array<std::uint32_t, kMask + 2> start{};
    for (const std::uint64_t key : from) ++start[((key >> shift) & kMask) + 1];
    for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    for (const std::uint64_t key : from) to[start[(key >> shift) & kMask]++] = key;
    std::swap(from, to);
  }
  if (from.data() != keys.data()) std::copy(from.begin(), from.end(), keys.begin());
}

// One table's ids as sorted keys (row << position_bits | position among the ids), and where each
// unique row's keys begin (then the end of the keys): the number of unique rows. keys and scratch
// hold ids.size() values, begins one more than the unique rows.
std::size_t find_unique_rows(std::span<const std::int64_t> ids, int position_bits, int row_bits,
                             std::uint64_t* keys, std::uint64_t* scratch, std::size_t* begins) {
  const std::size_t n = ids.size();
  for (std::size_t k = 0; k < n; ++k)
    keys[k] = static_cast<std::uint64_t>(ids[k]) << position_bits | k;
  radix_sort({keys, n}, {scratch, n}, position_bits, position_bits + row_bits);
  std::size_t count = 0;
  for (std::size_t k = 0; k < n; ++k)
    if (k == 0 || keys[k] >> position_bits != keys[k - 1] >> position_bits) begins[count++] = k;
  begins[count] = n;
  return count;
}

// An id's sample and the factor its row entered the pooled sum with.
struct IdSource {
  std::uint32_t sample = 0;
  float factor = 0.0f;
};

// A run of one table's unique rows, [begin, end) of its segments: a unit of the update's work.
struct SegmentBlock {
  std::size_t table = 0;
  std::size_t begin = 0, end = 0;
};

// Unique rows a block of the update holds: enough for the rows' prefetches to land during the
// block's first pass, few enough that its gradients stay in cache until the second.
constexpr std::size_t kSegmentsPerBlock = 256;

// One table's bags for a run of samples (pool_bags).
struct PoolingRun {
  const float* table = nullptr;  // (rows, dim)
  std::int64_t dim = 0;
  const std::int64_t* offsets = nullptr;  // bags + 1 offsets into ids (and weights)
  std::int64_t bags = 0;
  const std::int64_t* ids = nullptr;
  const float* weights = nullptr;  // one per id, or null: each weighs 1
  bool mean = false;
  float* out = nullptr;  // bag b's pooled row at out + b * out_stride
  std::int64_t out_stride = 0;
};

// A block of one table's unique rows (update_block): segments [begin, end).
struct UpdateRun {
  const std::uint64_t* keys = nullptr;  // the table's keys, sorted
  const std::size_t* begins = nullptr;  // where each of its unique rows' keys begin, then end
  std::size_t begin = 0, end = 0;
  int position_bits = 0;
  const IdSource* sources = nullptr;  // the table's ids' sources, by position
  const float* gradient = nullptr;    // the table's pooled gradient, (samples, dim)
  float* weights = nullptr;           // (rows, dim)
  float* state = nullptr;             // (rows, state_dim)
  std::int64_t dim = 0, state_dim = 0;
  const OptimizerConfig* optimizer = nullptr;
  float* scratch = nullptr;  // (end - begin, dim)
};

#define TESSERA_ISA_FAMILY_SOURCE "embedding_kernels.inc"
#include "tessera/core/isa_family.inc"

// This machine's build of the kernels (TESSERA_ISA can lower it).
struct Kernels {
  void (*pool)(const PoolingRun&);
  void (*update)(const UpdateRun&);
};
Kernels kernels() {
  switch (dispatch_isa_level()) {
    case IsaLevel::kAvx512:
      return {avx512::pool_bags, avx512::update_block};
    case IsaLevel::kAvx2:
      return {avx2::pool_bags, avx2::update_block};
    case IsaLevel::kScalar:
      break;
  }
  return {baseline::pool_bags, baseline::update_block};
}

}  // namespace

struct TableBatchedEmbedding::Workspace {
  std::vector<IdSource> sources;       // per id of the batch
  std::vector<float> table_gradients;  // the pooled gradient table by table: (samples, dim) each
  // Per id of table t: (row << position_bits[t]) | its position among t's ids, sorted.
  std::vector<std::uint64_t> keys, scratch;
  std::vector<int> position_bits;  // per table
  // Table t's unique rows: where each one's keys begin, then the end of its keys; from index
  // (t's first id) + t.
  std::vector<std::size_t> segment_begin;
  std::vector<std::size_t> segment_count;  // per table
  std::vector<SegmentBlock> blocks;
  std::vector<float> gradients;  // a block's summed row gradients per thread
};

TableBatchedEmbedding::~TableBatchedEmbedding() = default;
TableBatchedEmbedding::TableBatchedEmbedding(TableBatchedEmbedding&&) noexcept = default;
TableBatchedEmbedding& TableBatchedEmbedding::operator=(TableBatchedEmbedding&&) noexcept = default;

TableBatchedEmbedding::TableBatchedEmbedding(std::vector<TableSpec> tables, Pooling pooling,
                                             OptimizerConfig optimizer)
    : tables_(std::move(tables)),
      pooling_(pooling),
      optimizer_(optimizer),
      workspace_(std::make_unique<Workspace>()) {
  if (tables_.empty()) throw Error("embedding tables", "no tables");
  std::int64_t weights = 0, state = 0;
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const TableSpec& spec = tables_[t];
    if (spec.rows < 1 || spec.dim < 1)
      throw Error("embedding tables",
                  fmt::format("table {} has {} rows of dim {}: needs at least 1 of each", t,
                              spec.rows, spec.dim));
    dim_offsets_.push_back(total_dim_);
    total_dim_ += spec.dim;
    weight_offsets_.push_back(weights);
    weights += spec.rows * spec.dim;
    state_offsets_.push_back(state);
    state += spec.rows * state_per_row(optimizer_.kind, spec.dim);
  }
  resize_in_huge_pages(weights_, static_cast<std::size_t>(weights));
  resize_in_huge_pages(state_, static_cast<std::size_t>(state));
}

void TableBatchedEmbedding::initialize(std::uint64_t seed) {
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const detail::InitialWeights initial(seed, t, tables_[t].rows);
    const std::span<float> w = weights(t);
    const auto n = static_cast<std::int64_t>(w.size());
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) w[static_cast<std::size_t>(i)] = initial(i);
  }
  std::fill(state_.begin(), state_.end(), 0.0f);
}

std::span<float> TableBatchedEmbedding::weights(std::size_t t) {
  const TableSpec& spec = tables_.at(t);
  return {weights_.data() + weight_offsets_[t], static_cast<std::size_t>(spec.rows * spec.dim)};
}

std::span<const float> TableBatchedEmbedding::weights(std::size_t t) const {
  const TableSpec& spec = tables_.at(t);
  return {weights_.data() + weight_offsets_[t], static_cast<std::size_t>(spec.rows * spec.dim)};
}

std::span<float> TableBatchedEmbedding::state(std::size_t t) {
  const TableSpec& spec = tables_.at(t);
  return {state_.data() + state_offsets_[t],
          static_cast<std::size_t>(spec.rows * state_per_row(optimizer_.kind, spec.dim))};
}

std::span<const float> TableBatchedEmbedding::state(std::size_t t) const {
  return const_cast<TableBatchedEmbedding*>(this)->state(t);
}

void TableBatchedEmbedding::forward(const SparseFeatures& bags, std::span<float> pooled) const {
  check_bags(bags, tables_);
  const std::int64_t samples = bags.samples;
  if (pooled.size() != static_cast<std::size_t>(samples * total_dim_))
    throw Error("pooled output", fmt::format("{} values for {} samples of width {}", pooled.size(),
                                             samples, total_dim_));
  const Kernels k = kernels();
#pragma omp parallel
  {
    // Each thread its run of samples, table by table: a table's ids for a run of samples lie side
    // by side, so the rows ahead are prefetched across its bags.
    const auto threads = static_cast<std::int64_t>(omp_get_num_threads());
    const auto thread = static_cast<std::int64_t>(omp_get_thread_num());
    const std::int64_t first = samples * thread / threads;
    const std::int64_t last = samples * (thread + 1) / threads;
    for (std::size_t t = 0; t < tables_.size() && first < last; ++t) {
      const auto bag = static_cast<std::size_t>(static_cast<std::int64_t>(t) * samples + first);
      k.pool({weights_.data() + weight_offsets_[t], tables_[t].dim, bags.offsets.data() + bag,
              last - first, bags.ids.data(), bags.weights.empty() ? nullptr : bags.weights.data(),
              pooling_ == Pooling::kMean, pooled.data() + first * total_dim_ + dim_offsets_[t],
              total_dim_});
    }
  }
}

void TableBatchedEmbedding::backward_update(const SparseFeatures& bags,
                                            std::span<const float> pooled_gradient) {
  check_bags(bags, tables_);
  const std::int64_t samples = bags.samples;
  if (pooled_gradient.size() != static_cast<std::size_t>(samples * total_dim_))
    throw Error("pooled gradient", fmt::format("{} values for {} samples of width {}",
                                               pooled_gradient.size(), samples, total_dim_));
  if (samples > std::numeric_limits<std::uint32_t>::max())
    throw Error("bags", fmt::format("{} samples in a batch: at most 2^32 - 1", samples));
  Workspace& w = *workspace_;
  w.sources.resize(bags.ids.size());
  w.table_gradients.resize(pooled_gradient.size());
  const auto tables = static_cast<std::int64_t>(tables_.size());
  // Each id's source, and each table's part of the gradient side by side: the update reads them
  // at random, a table at a time.
#pragma omp parallel for schedule(static)
  for (std::int64_t bag = 0; bag < tables * samples; ++bag) {
    const std::int64_t begin = bags.offsets[static_cast<std::size_t>(bag)];
    const std::int64_t end = bags.offsets[static_cast<std::size_t>(bag) + 1];
    const float mean =
        pooling_ == Pooling::kMean && end > begin ? 1.0f / static_cast<float>(end - begin) : 1.0f;
    const auto t = static_cast<std::size_t>(bag / samples);
    const std::int64_t sample = bag % samples;
    for (std::int64_t i = begin; i < end; ++i) {
      const auto k = static_cast<std::size_t>(i);
      w.sources[k] = {static_cast<std::uint32_t>(sample),
                      bags.weights.empty() ? mean : bags.weights[k] * mean};
    }
    const std::int64_t dim = tables_[t].dim;
    std::copy_n(pooled_gradient.data() + sample * total_dim_ + dim_offsets_[t], dim,
                w.table_gradients.data() + samples * dim_offsets_[t] + sample * dim);
  }
  // Each table's ids as keys of (row, position), sorted, and where each unique row's keys begin.
  const auto row_bits = [&](std::size_t t) {
    return std::bit_width(static_cast<std::uint64_t>(tables_[t].rows - 1));
  };
  w.position_bits.resize(tables_.size());
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const std::int64_t ids = bags.offsets[(t + 1) * static_cast<std::size_t>(samples)] -
                             bags.offsets[t * static_cast<std::size_t>(samples)];
    if (ids > std::numeric_limits<std::uint32_t>::max())
      throw Error("bags", fmt::format("table {} has {} ids in a batch: at most 2^32 - 1", t, ids));
    w.position_bits[t] =
        std::bit_width(static_cast<std::uint64_t>(std::max<std::int64_t>(ids, 1) - 1));
    if (w.position_bits[t] + row_bits(t) > 64)
      throw Error("bags", fmt::format("table {}'s {} ids in a batch of rows of {} bits do not fit "
                                      "64-bit sort keys",
                                      t, ids, row_bits(t)));
  }
  w.keys.resize(bags.ids.size());
  w.scratch.resize(bags.ids.size());
  w.segment_begin.resize(bags.ids.size() + tables_.size());
  w.segment_count.resize(tables_.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t table = 0; table < tables; ++table) {
    const auto t = static_cast<std::size_t>(table);
    const auto first =
        static_cast<std::size_t>(bags.offsets[t * static_cast<std::size_t>(samples)]);
    const auto n =
        static_cast<std::size_t>(bags.offsets[(t + 1) * static_cast<std::size_t>(samples)]) - first;
    w.segment_count[t] = find_unique_rows(
        {bags.ids.data() + first, n}, w.position_bits[t], row_bits(t), w.keys.data() + first,
        w.scratch.data() + first, w.segment_begin.data() + first + t);
  }
  w.blocks.clear();
  for (std::size_t t = 0; t < tables_.size(); ++t)
    for (std::size_t b = 0; b < w.segment_count[t]; b += kSegmentsPerBlock)
      w.blocks.push_back({t, b, std::min(b + kSegmentsPerBlock, w.segment_count[t])});
  std::int64_t widest = 0;
  for (const TableSpec& spec : tables_) widest = std::max(widest, spec.dim);
  const auto block_floats = kSegmentsPerBlock * static_cast<std::size_t>(widest);
  w.gradients.resize(static_cast<std::size_t>(omp_get_max_threads()) * block_floats);
  const auto blocks = static_cast<std::int64_t>(w.blocks.size());
  const Kernels k = kernels();
#pragma omp parallel
  {
    float* scratch =
        w.gradients.data() + static_cast<std::size_t>(omp_get_thread_num()) * block_floats;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < blocks; ++b) {
      const SegmentBlock& block = w.blocks[static_cast<std::size_t>(b)];
      const std::size_t t = block.table;
      const auto first =
          static_cast<std::size_t>(bags.offsets[t * static_cast<std::size_t>(samples)]);
      k.update({w.keys.data() + first, w.segment_begin.data() + first + t, block.begin, block.end,
                w.position_bits[t], w.sources.data() + first,
                w.table_gradients.data() + samples * dim_offsets_[t],
                weights_.data() + weight_offsets_[t], state_.data() + state_offsets_[t],
                tables_[t].dim, state_per_row(optimizer_.kind, tables_[t].dim), &optimizer_,
                scratch});
    }
  }
}

}  // namespace tessera::dlrm
