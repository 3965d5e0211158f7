// The table-batched embedding operator (embedding.hpp): pooled lookups over all tables, and the
// exact fused backward and optimizer step (ids sorted by row with a stable radix sort, one summed
// gradient and one update per unique row).
#include "tessera/dlrm/embedding.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>

#include "bag_checks.hpp"
#include "initial_weights.hpp"
#include "row_update.hpp"
#include "tessera/core/error.hpp"

namespace tessera::dlrm {
namespace {

// Ids ahead in a bag whose rows the forward prefetches.
constexpr std::int64_t kPrefetchDistance = 4;

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

// One table's ids in the batch, sorted by row, ties in their order in the batch (by sample, then
// position in the bag): rows[k] and the index into the batch's ids of position[k].
struct SortedIds {
  std::vector<std::int64_t> rows;
  std::vector<std::int64_t> positions;
};

// Stable LSD radix sort of ids[first, end) of a table of `row_count` rows, 11 bits a pass, into
// `sorted`; `next` is scratch. Both are sized end - first (allocated by the caller, outside the
// parallel region, where a failure could not be reported).
void sort_by_row(const std::vector<std::int64_t>& ids, std::int64_t first, std::int64_t end,
                 std::int64_t row_count, SortedIds& sorted, SortedIds& next) {
  const auto n = static_cast<std::size_t>(end - first);
  std::copy(ids.begin() + first, ids.begin() + end, sorted.rows.begin());
  for (std::size_t k = 0; k < n; ++k) sorted.positions[k] = first + static_cast<std::int64_t>(k);
  constexpr int kDigitBits = 11;
  constexpr std::uint64_t kMask = (1u << kDigitBits) - 1;
  const int bits = std::bit_width(static_cast<std::uint64_t>(row_count - 1));
  for (int shift = 0; shift < bits; shift += kDigitBits) {
    std::array<std::size_t, kMask + 2> start{};
    for (const std::int64_t row : sorted.rows)
      ++start[((static_cast<std::uint64_t>(row) >> shift) & kMask) + 1];
    for (std::size_t b = 1; b < start.size(); ++b) start[b] += start[b - 1];
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t at = start[(static_cast<std::uint64_t>(sorted.rows[k]) >> shift) & kMask]++;
      next.rows[at] = sorted.rows[k];
      next.positions[at] = sorted.positions[k];
    }
    std::swap(sorted, next);
  }
}

// The rows of one table that the batch touches: sorted ids [begin, end) share one row.
struct RowSegment {
  std::size_t table = 0;
  std::size_t begin = 0, end = 0;
};

}  // namespace

struct TableBatchedEmbedding::Workspace {
  std::vector<std::int64_t> sample_of;     // per id of the batch: its sample
  std::vector<float> factor;               // and the factor its row entered the pooled sum with
  std::vector<SortedIds> sorted, scratch;  // per table
  std::vector<std::vector<RowSegment>> table_segments;  // per table, made beside its sort
  std::vector<RowSegment> segments;                     // all tables'
  std::vector<float> gradients;                         // one summed row gradient per thread
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
  weights_.resize(static_cast<std::size_t>(weights));
  state_.resize(static_cast<std::size_t>(state));
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
  const bool weighted = !bags.weights.empty();
#pragma omp parallel for schedule(static)
  for (std::int64_t s = 0; s < samples; ++s) {
    for (std::size_t t = 0; t < tables_.size(); ++t) {
      const std::int64_t dim = tables_[t].dim;
      const float* table = weights_.data() + weight_offsets_[t];
      float* out = pooled.data() + s * total_dim_ + dim_offsets_[t];
      std::fill(out, out + dim, 0.0f);
      const auto bag = static_cast<std::size_t>(static_cast<std::int64_t>(t) * samples + s);
      const std::int64_t begin = bags.offsets[bag], end = bags.offsets[bag + 1];
      for (std::int64_t i = begin; i < end; ++i) {
        if (i + kPrefetchDistance < end) {  // the rows a few ids ahead, whose loads are random
          const char* ahead = reinterpret_cast<const char*>(
              table + bags.ids[static_cast<std::size_t>(i + kPrefetchDistance)] * dim);
          for (std::int64_t b = 0; b < dim * 4; b += 64) __builtin_prefetch(ahead + b);
        }
        const float* row = table + bags.ids[static_cast<std::size_t>(i)] * dim;
        const float a = weighted ? bags.weights[static_cast<std::size_t>(i)] : 1.0f;
        for (std::int64_t d = 0; d < dim; ++d) out[d] += a * row[d];
      }
      if (pooling_ == Pooling::kMean && end > begin) {
        const float scale = 1.0f / static_cast<float>(end - begin);
        for (std::int64_t d = 0; d < dim; ++d) out[d] *= scale;
      }
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
  Workspace& w = *workspace_;
  std::vector<std::int64_t>& sample_of = w.sample_of;
  std::vector<float>& factor = w.factor;
  sample_of.resize(bags.ids.size());
  factor.resize(bags.ids.size());
  const auto tables = static_cast<std::int64_t>(tables_.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t bag = 0; bag < tables * samples; ++bag) {
    const std::int64_t begin = bags.offsets[static_cast<std::size_t>(bag)];
    const std::int64_t end = bags.offsets[static_cast<std::size_t>(bag) + 1];
    const float mean =
        pooling_ == Pooling::kMean && end > begin ? 1.0f / static_cast<float>(end - begin) : 1.0f;
    const std::int64_t sample = bag % samples;
    for (std::int64_t i = begin; i < end; ++i) {
      const auto k = static_cast<std::size_t>(i);
      sample_of[k] = sample;
      factor[k] = bags.weights.empty() ? mean : bags.weights[k] * mean;
    }
  }
  std::vector<SortedIds>& sorted = w.sorted;
  std::vector<SortedIds>& scratch = w.scratch;
  sorted.resize(tables_.size());
  scratch.resize(tables_.size());
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const auto n =
        static_cast<std::size_t>(bags.offsets[(t + 1) * static_cast<std::size_t>(samples)] -
                                 bags.offsets[t * static_cast<std::size_t>(samples)]);
    for (SortedIds* s : {&sorted[t], &scratch[t]}) s->rows.resize(n), s->positions.resize(n);
  }
  std::vector<std::vector<RowSegment>>& table_segments = w.table_segments;
  table_segments.resize(tables_.size());
  for (std::size_t t = 0; t < tables_.size(); ++t)     // at most one segment an id: no reallocation
    table_segments[t].reserve(sorted[t].rows.size());  // inside the parallel region
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t t = 0; t < tables; ++t) {
    const auto at = static_cast<std::size_t>(t);
    sort_by_row(bags.ids, bags.offsets[static_cast<std::size_t>(t * samples)],
                bags.offsets[static_cast<std::size_t>((t + 1) * samples)], tables_[at].rows,
                sorted[at], scratch[at]);
    std::vector<RowSegment>& segments = table_segments[at];
    segments.clear();
    const std::vector<std::int64_t>& rows = sorted[at].rows;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (k == 0 || rows[k] != rows[k - 1]) segments.push_back({at, k, k});
      segments.back().end = k + 1;
    }
  }
  std::vector<RowSegment>& segments = w.segments;
  segments.clear();
  for (const std::vector<RowSegment>& s : table_segments)
    segments.insert(segments.end(), s.begin(), s.end());
  std::int64_t widest = 0;
  for (const TableSpec& spec : tables_) widest = std::max(widest, spec.dim);
  const auto count = static_cast<std::int64_t>(segments.size());
  std::vector<float>& gradients = w.gradients;
  gradients.resize(static_cast<std::size_t>(omp_get_max_threads() * widest));
  // The weights and state of a segment's row, which the update reads and writes at random.
  const auto prefetch_row = [&](const RowSegment& segment) {
    const std::int64_t dim = tables_[segment.table].dim;
    const std::int64_t row = sorted[segment.table].rows[segment.begin];
    const char* row_weights =
        reinterpret_cast<const char*>(weights_.data() + weight_offsets_[segment.table] + row * dim);
    for (std::int64_t b = 0; b < dim * 4; b += 64) __builtin_prefetch(row_weights + b, 1);
    if (optimizer_.kind == OptimizerKind::kRowwiseAdagrad)
      __builtin_prefetch(state_.data() + state_offsets_[segment.table] + row, 1);
  };
#pragma omp parallel
  {
    float* gradient = gradients.data() + omp_get_thread_num() * widest;
#pragma omp for schedule(dynamic, 64)
    for (std::int64_t j = 0; j < count; ++j) {
      const RowSegment& segment = segments[static_cast<std::size_t>(j)];
      const std::size_t t = segment.table;
      const std::int64_t dim = tables_[t].dim;
      if (j + kPrefetchDistance < count)
        prefetch_row(segments[static_cast<std::size_t>(j + kPrefetchDistance)]);
      std::fill(gradient, gradient + dim, 0.0f);
      for (std::size_t k = segment.begin; k < segment.end; ++k) {
        const auto i = static_cast<std::size_t>(sorted[t].positions[k]);
        const float* g = pooled_gradient.data() + sample_of[i] * total_dim_ + dim_offsets_[t];
        for (std::int64_t d = 0; d < dim; ++d)
          gradient[static_cast<std::size_t>(d)] += factor[i] * g[d];
      }
      const std::int64_t row = sorted[t].rows[segment.begin];
      float* row_weights = weights_.data() + weight_offsets_[t] + row * dim;
      float* s = state_.data() + state_offsets_[t];
      s += row * state_per_row(optimizer_.kind, dim);
      detail::update_row(optimizer_, row_weights, s, gradient, dim);
    }
  }
}

}  // namespace tessera::dlrm
