// The sharded embedding tables and their exchanges (sharded_embedding.hpp).
#include "sharded_embedding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "bag_checks.hpp"
#include "initial_weights.hpp"
#include "tessera/core/error.hpp"
#include "wire.hpp"

namespace tessera::dlrm::detail {
namespace {

// The plan's placement checked against the tables, the ranks, the pooling and the optimizer.
void check_placement(const std::vector<TablePlan>& plan, const std::vector<TableSpec>& tables,
                     int ranks, Pooling pooling, OptimizerKind optimizer) {
  if (plan.size() != tables.size())
    throw Error("plan", fmt::format("{} tables, the model has {}", plan.size(), tables.size()));
  for (std::size_t t = 0; t < plan.size(); ++t) {
    const TablePlan& p = plan[t];
    const std::string name = fmt::format("plan table {} ({})", t, p.name);
    if (p.rows != tables[t].rows || p.dim != tables[t].dim)
      throw Error(name, fmt::format("{} rows of dim {}, the model's table has {} of dim {}", p.rows,
                                    p.dim, tables[t].rows, tables[t].dim));
    std::int64_t area = 0;
    bool row_blocks = false, column_slices = false;
    for (const Shard& s : p.shards) {
      if (s.rank < 0 || s.rank >= ranks)
        throw Error(name, fmt::format("a shard on rank {} of a run over {}", s.rank, ranks));
      if (s.row_begin < 0 || s.row_end > p.rows || s.row_begin >= s.row_end || s.col_begin < 0 ||
          s.col_end > p.dim || s.col_begin >= s.col_end)
        throw Error(name, "a shard outside its table");
      area += (s.row_end - s.row_begin) * (s.col_end - s.col_begin);
      row_blocks |= s.row_end - s.row_begin < p.rows;
      column_slices |= s.col_end - s.col_begin < p.dim;
    }
    if (p.type == ShardingType::kDataParallel) continue;
    // Inside the table, no two overlapping, and as large as it together: a tiling.
    for (std::size_t i = 0; i < p.shards.size(); ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const Shard &a = p.shards[i], &b = p.shards[j];
        if (a.row_begin < b.row_end && b.row_begin < a.row_end && a.col_begin < b.col_end &&
            b.col_begin < a.col_end)
          throw Error(name, "two of its shards overlap");
      }
    if (area != p.rows * p.dim) throw Error(name, "its shards do not cover the table once");
    if (row_blocks && pooling == Pooling::kMean)
      throw Error(name, "row blocks need sum pooling (a block's partial mean is not a mean)");
    if (column_slices && optimizer == OptimizerKind::kRowwiseAdagrad)
      throw Error(name,
                  "column slices need sgd or adagrad (row-wise AdaGrad keeps one "
                  "accumulator per whole row)");
  }
}

// Every table whole on rank 0.
std::vector<TablePlan> one_rank_plan(const std::vector<TableSpec>& tables) {
  std::vector<TablePlan> plan;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    Shard whole;
    whole.row_end = tables[t].rows;
    whole.col_end = tables[t].dim;
    whole.rank = 0;
    plan.push_back({fmt::format("table{}", t),
                    tables[t].rows,
                    tables[t].dim,
                    ShardingType::kTableWise,
                    {whole}});
  }
  return plan;
}

// A block of rows x width values between two row-major arrays: from `from` (row stride
// from_stride, starting at its row from_row and column from_col) to `to` (likewise), added to
// what is there when `add`.
struct Block {
  std::int64_t rows = 0, width = 0;
};
void copy_block(Block b, const float* from, std::int64_t from_stride, std::int64_t from_row,
                std::int64_t from_col, float* to, std::int64_t to_stride, std::int64_t to_row,
                std::int64_t to_col, bool add = false) {
  for (std::int64_t r = 0; r < b.rows; ++r) {
    const float* in = from + (from_row + r) * from_stride + from_col;
    float* out = to + (to_row + r) * to_stride + to_col;
    if (add) {
      for (std::int64_t c = 0; c < b.width; ++c) out[c] += in[c];
    } else {
      std::copy_n(in, b.width, out);
    }
  }
}

// Bags of the tables `which` of `all`, in that order.
SparseFeatures select_tables(const SparseFeatures& all, const std::vector<std::size_t>& which) {
  SparseFeatures out;
  out.tables = static_cast<std::int64_t>(which.size());
  out.samples = all.samples;
  out.offsets.push_back(0);
  for (const std::size_t t : which) {
    const auto first = static_cast<std::size_t>(static_cast<std::int64_t>(t) * all.samples);
    const std::int64_t begin = all.offsets[first];
    const std::int64_t end = all.offsets[first + static_cast<std::size_t>(all.samples)];
    out.ids.insert(out.ids.end(), all.ids.begin() + begin, all.ids.begin() + end);
    if (!all.weights.empty())
      out.weights.insert(out.weights.end(), all.weights.begin() + begin, all.weights.begin() + end);
    for (std::int64_t s = 1; s <= all.samples; ++s)
      out.offsets.push_back(out.offsets.back() + all.offsets[first + static_cast<std::size_t>(s)] -
                            all.offsets[first + static_cast<std::size_t>(s) - 1]);
  }
  return out;
}

}  // namespace

bool ShardedEmbedding::wide_ids(const Entry& e) {
  return e.row_end - e.row_begin > std::numeric_limits<std::int32_t>::max();
}

ShardedEmbedding::ShardedEmbedding(std::vector<TableSpec> tables, Pooling pooling,
                                   OptimizerConfig optimizer, const Distribution& distribution)
    : tables_(std::move(tables)),
      optimizer_(optimizer),
      communicator_(distribution.communicator ? distribution.communicator
                                              : std::make_shared<LocalCommunicator>()),
      precision_(distribution.precision) {
  for (const TableSpec& spec : tables_) {
    dim_offsets_.push_back(total_dim_);
    total_dim_ += spec.dim;
  }
  const int ranks = communicator_->size();
  const std::vector<TablePlan> plan =
      distribution.tables.empty() ? one_rank_plan(tables_) : distribution.tables;
  check_placement(plan, tables_, ranks, pooling, optimizer.kind);
  entries_.resize(static_cast<std::size_t>(ranks));
  for (std::size_t t = 0; t < plan.size(); ++t)
    for (const Shard& s : plan[t].shards)
      if (plan[t].type != ShardingType::kDataParallel)
        entries_[static_cast<std::size_t>(s.rank)].push_back(
            {t, s.row_begin, s.row_end, s.col_begin, s.col_end, false, 0});
  direct_ = ranks == 1 && entries_[0].size() == tables_.size();
  for (std::size_t k = 0; direct_ && k < entries_[0].size(); ++k) {
    const Entry& e = entries_[0][k];
    direct_ = e.table == k && e.row_end - e.row_begin == tables_[k].rows &&
              e.col_end - e.col_begin == tables_[k].dim;
  }
  for (std::vector<Entry>& held : entries_) {
    for (std::size_t k = 0; k < held.size(); ++k) held[k].local = k;
    std::size_t replicas = 0;
    for (std::size_t t = 0; t < plan.size(); ++t)
      if (plan[t].type == ShardingType::kDataParallel)
        held.push_back({t, 0, tables_[t].rows, 0, tables_[t].dim, true, replicas++});
  }
  std::vector<TableSpec> owned, replicated;
  for (const Entry& e : entries_[static_cast<std::size_t>(communicator_->rank())])
    (e.replicated ? replicated : owned)
        .push_back({e.row_end - e.row_begin, e.col_end - e.col_begin});
  if (!owned.empty()) owned_.emplace(std::move(owned), pooling, optimizer, distribution.store);
  if (!replicated.empty())
    replicated_.emplace(std::move(replicated), pooling, optimizer, std::nullopt);
}

void ShardedEmbedding::initialize(std::uint64_t seed) {
  for (const Entry& e : entries_[static_cast<std::size_t>(communicator_->rank())]) {
    EmbeddingStore& holder = e.replicated ? *replicated_ : *owned_;
    const std::span<float> w = holder.weights(e.local);
    const std::int64_t width = e.col_end - e.col_begin;
    const TableSpec& spec = tables_[e.table];
    const InitialWeights initial(seed, e.table, spec.rows);
#pragma omp parallel for schedule(static)
    for (std::int64_t r = e.row_begin; r < e.row_end; ++r)
      for (std::int64_t c = e.col_begin; c < e.col_end; ++c)
        w[static_cast<std::size_t>((r - e.row_begin) * width + c - e.col_begin)] =
            initial(r * spec.dim + c);
    const std::span<float> s = holder.state(e.local);
    std::fill(s.begin(), s.end(), 0.0f);
  }
}

void ShardedEmbedding::write_ids(const SparseFeatures& local, const Entry& e,
                                 std::vector<std::byte>& out) const {
  ByteWriter writer(out);
  const std::int64_t samples = local.samples;
  const auto first = static_cast<std::size_t>(static_cast<std::int64_t>(e.table) * samples);
  const bool whole = e.row_begin == 0 && e.row_end == tables_[e.table].rows;
  std::vector<std::int64_t> counts(static_cast<std::size_t>(samples)), ids;
  std::vector<float> weights;
  for (std::int64_t s = 0; s < samples; ++s) {
    const std::int64_t begin = local.offsets[first + static_cast<std::size_t>(s)];
    const std::int64_t end = local.offsets[first + static_cast<std::size_t>(s) + 1];
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t id = local.ids[static_cast<std::size_t>(i)];
      if (!whole && (id < e.row_begin || id >= e.row_end)) continue;
      ids.push_back(id - e.row_begin);
      if (!local.weights.empty()) weights.push_back(local.weights[static_cast<std::size_t>(i)]);
      ++counts[static_cast<std::size_t>(s)];
    }
  }
  writer.put_indices(counts, false);  // a bag has fewer than 2^31 ids
  writer.put_indices(ids, wide_ids(e));
  writer.put(std::span<const float>(weights));
}

void ShardedEmbedding::forward(const SparseFeatures& local, std::span<float> pooled) {
  if (local.tables != static_cast<std::int64_t>(tables_.size()))
    throw Error("bags", fmt::format("{} tables, the model has {}", local.tables, tables_.size()));
  if (pooled.size() != static_cast<std::size_t>(local.samples * total_dim_))
    throw Error("pooled output", fmt::format("{} values for {} samples of width {}", pooled.size(),
                                             local.samples, total_dim_));
  if (direct_) {
    global_samples_ = local.samples;
    owned_->forward(local, pooled);
    return;
  }
  check_bag_shape(local, tables_.size());  // before the exchange reads them
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const auto first = static_cast<std::size_t>(static_cast<std::int64_t>(t) * local.samples);
    for (std::int64_t i = local.offsets[first];
         i < local.offsets[first + static_cast<std::size_t>(local.samples)]; ++i)
      check_id(local.ids[static_cast<std::size_t>(i)], t, tables_[t].rows);
  }
  const auto ranks = static_cast<std::size_t>(communicator_->size());
  RankBuffers outgoing(ranks);
  for (std::size_t o = 0; o < ranks; ++o) {
    ByteWriter(outgoing[o]).put(local.samples);
    ByteWriter(outgoing[o]).put(static_cast<std::uint8_t>(!local.weights.empty()));
    for (const Entry& e : entries_[o]) write_ids(local, e, outgoing[o]);
  }
  read_ids(communicator_->exchange("ids", std::move(outgoing)));
  if (owned_) {
    owned_pooled_.resize(static_cast<std::size_t>(global_samples_ * owned_->total_dim()));
    owned_->forward(owned_bags_, owned_pooled_);
  }
  exchange_pooled(pooled);
  pool_replicas(local, pooled);
}

void ShardedEmbedding::read_ids(const RankBuffers& incoming) {
  const auto ranks = incoming.size();
  const std::vector<Entry>& held = entries_[static_cast<std::size_t>(communicator_->rank())];
  samples_.assign(ranks, 0);
  starts_.assign(ranks, 0);
  global_samples_ = 0;
  // Each source's message: its sample count, whether it has weights, then per held block its
  // counts per sample, ids and weights.
  struct Part {
    std::vector<std::int64_t> counts, ids;
    std::vector<float> weights;
  };
  std::vector<std::vector<Part>> parts(ranks, std::vector<Part>(held.size()));
  std::vector<bool> weighted(ranks);
  for (std::size_t r = 0; r < ranks; ++r) {
    ByteReader reader(incoming[r]);
    samples_[r] = reader.get<std::int64_t>();
    const bool w = reader.get<std::uint8_t>() != 0;
    weighted[r] = w;
    starts_[r] = global_samples_;
    global_samples_ += samples_[r];
    for (std::size_t k = 0; k < held.size(); ++k) {
      Part& part = parts[r][k];
      part.counts.resize(static_cast<std::size_t>(samples_[r]));
      reader.get_indices(part.counts, false);
      std::int64_t n = 0;
      for (const std::int64_t c : part.counts) n += c;
      part.ids.resize(static_cast<std::size_t>(n));
      reader.get_indices(part.ids, wide_ids(held[k]));
      part.weights.resize(w ? part.ids.size() : 0);
      reader.get(std::span<float>(part.weights));
    }
    if (!reader.done()) throw Error("exchange", fmt::format("rank {}'s ids run past their end", r));
  }
  // Bags weigh their ids or not alike on every rank (a rank without ids has no say).
  const auto has_ids = [&](std::size_t r) {
    return std::any_of(parts[r].begin(), parts[r].end(),
                       [](const Part& p) { return !p.ids.empty(); });
  };
  for (std::size_t r = 0; r < ranks; ++r)
    for (std::size_t q = 0; q < r; ++q)
      if (has_ids(r) && has_ids(q) && weighted[r] != weighted[q])
        throw Error("bags", "some ranks' bags have per-id weights and others' do not");
  // The whole batch's bags of each held block, samples in rank order (the global order).
  for (const bool replicas : {false, true}) {
    SparseFeatures& bags = replicas ? replicated_bags_ : owned_bags_;
    bags = {};
    bags.samples = global_samples_;
    bags.offsets.push_back(0);
    for (std::size_t k = 0; k < held.size(); ++k) {
      if (held[k].replicated != replicas) continue;
      ++bags.tables;
      for (std::size_t r = 0; r < ranks; ++r) {
        const Part& part = parts[r][k];
        for (const std::int64_t c : part.counts) bags.offsets.push_back(bags.offsets.back() + c);
        bags.ids.insert(bags.ids.end(), part.ids.begin(), part.ids.end());
        bags.weights.insert(bags.weights.end(), part.weights.begin(), part.weights.end());
      }
    }
  }
}

void ShardedEmbedding::exchange_pooled(std::span<float> pooled) {
  const auto ranks = static_cast<std::size_t>(communicator_->size());
  const auto me = static_cast<std::size_t>(communicator_->rank());
  RankBuffers outgoing(ranks);
  for (std::size_t r = 0; r < ranks; ++r) {
    for (const Entry& e : entries_[me]) {
      if (e.replicated) continue;
      const std::int64_t width = e.col_end - e.col_begin;
      scratch_.resize(static_cast<std::size_t>(samples_[r] * width));
      copy_block({samples_[r], width}, owned_pooled_.data(), owned_->total_dim(), starts_[r],
                 owned_->dim_offset(e.local), scratch_.data(), width, 0, 0);
      ByteWriter(outgoing[r]).put_floats(scratch_, precision_.forward, 1.0f);
    }
  }
  const RankBuffers incoming = communicator_->exchange("pooled", std::move(outgoing));
  std::fill(pooled.begin(), pooled.end(), 0.0f);
  const std::int64_t samples = samples_[me];
  for (std::size_t o = 0; o < ranks; ++o) {
    ByteReader reader(incoming[o]);
    for (const Entry& e : entries_[o]) {
      if (e.replicated) continue;
      const std::int64_t width = e.col_end - e.col_begin;
      scratch_.resize(static_cast<std::size_t>(samples * width));
      reader.get_floats(scratch_, precision_.forward, 1.0f);
      copy_block({samples, width}, scratch_.data(), width, 0, 0, pooled.data(), total_dim_, 0,
                 dim_offsets_[e.table] + e.col_begin, true);
    }
  }
}

void ShardedEmbedding::pool_replicas(const SparseFeatures& local, std::span<float> pooled) {
  if (!replicated_) return;
  std::vector<std::size_t> which;
  for (const Entry& e : entries_[static_cast<std::size_t>(communicator_->rank())])
    if (e.replicated) which.push_back(e.table);
  scratch_.resize(static_cast<std::size_t>(local.samples * replicated_->total_dim()));
  replicated_->forward(select_tables(local, which), scratch_);
  for (std::size_t k = 0; k < which.size(); ++k)
    copy_block({local.samples, tables_[which[k]].dim}, scratch_.data(), replicated_->total_dim(), 0,
               replicated_->dim_offset(k), pooled.data(), total_dim_, 0, dim_offsets_[which[k]]);
}

void ShardedEmbedding::prefetch(const SparseFeatures& next) const {
  if (direct_) owned_->prefetch(next);
}

std::optional<TierStats> ShardedEmbedding::store_stats() const {
  if (!owned_) return std::nullopt;
  return owned_->stats();
}

void ShardedEmbedding::backward_update(const SparseFeatures& local,
                                       std::span<const float> pooled_gradient) {
  if (pooled_gradient.size() != static_cast<std::size_t>(local.samples * total_dim_))
    throw Error("pooled gradient", fmt::format("{} values for {} samples of width {}",
                                               pooled_gradient.size(), local.samples, total_dim_));
  if (direct_) {
    owned_->backward_update(local, pooled_gradient);
    return;
  }
  const auto ranks = static_cast<std::size_t>(communicator_->size());
  const auto me = static_cast<std::size_t>(communicator_->rank());
  if (local.samples != samples_[me])
    throw Error("bags", "the backward's samples are not the last forward's");
  const bool fp16 = precision_.backward == CommPrecision::kFp16;
  const float scale = fp16 ? precision_.loss_scale : 1.0f;
  RankBuffers outgoing(ranks);
  for (std::size_t o = 0; o < ranks; ++o) {
    for (const Entry& e : entries_[o]) {
      const std::int64_t width = e.col_end - e.col_begin;
      scratch_.resize(static_cast<std::size_t>(local.samples * width));
      copy_block({local.samples, width}, pooled_gradient.data(), total_dim_, 0,
                 dim_offsets_[e.table] + e.col_begin, scratch_.data(), width, 0, 0);
      ByteWriter(outgoing[o]).put_floats(scratch_, precision_.backward, scale);
    }
  }
  const RankBuffers incoming = communicator_->exchange("gradients", std::move(outgoing));
  const auto resize = [&](std::optional<EmbeddingStore>& holder, std::vector<float>& g) {
    if (holder) g.resize(static_cast<std::size_t>(global_samples_ * holder->total_dim()));
  };
  resize(owned_, owned_gradient_);
  resize(replicated_, replicated_gradient_);
  for (std::size_t r = 0; r < ranks; ++r) {
    ByteReader reader(incoming[r]);
    for (const Entry& e : entries_[me]) {
      const std::int64_t width = e.col_end - e.col_begin;
      scratch_.resize(static_cast<std::size_t>(samples_[r] * width));
      reader.get_floats(scratch_, precision_.backward, 1.0f / scale);
      EmbeddingStore& holder = e.replicated ? *replicated_ : *owned_;
      copy_block({samples_[r], width}, scratch_.data(), width, 0, 0,
                 (e.replicated ? replicated_gradient_ : owned_gradient_).data(), holder.total_dim(),
                 starts_[r], holder.dim_offset(e.local));
    }
  }
  if (owned_) owned_->backward_update(owned_bags_, owned_gradient_);
  if (replicated_) replicated_->backward_update(replicated_bags_, replicated_gradient_);
}

void ShardedEmbedding::for_each_table(
    const std::function<void(std::size_t, std::span<float>, std::span<float>)>& visit,
    ArrayAccess access) {
  if (direct_) {
    for (std::size_t t = 0; t < tables_.size(); ++t) visit(t, owned_->weights(t), owned_->state(t));
    return;
  }
  const auto ranks = static_cast<std::size_t>(communicator_->size());
  const auto me = static_cast<std::size_t>(communicator_->rank());
  const bool read = access == ArrayAccess::kRead;
  // The blocks of table t that rank r sends to rank 0 to read: its shards, and rank 0 its replica.
  const auto sent = [&](std::size_t r, std::size_t t, const Entry& e) {
    return e.table == t && (!e.replicated || r == 0);
  };
  // Where a block's state sits in the table's: its columns, or the one column of row-wise AdaGrad.
  const auto state_column = [&](const Entry& e) {
    return optimizer_.kind == OptimizerKind::kRowwiseAdagrad ? 0 : e.col_begin;
  };
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const TableSpec& spec = tables_[t];
    const std::int64_t full_state = state_per_row(optimizer_.kind, spec.dim);
    std::vector<float> weights(static_cast<std::size_t>(spec.rows * spec.dim));
    std::vector<float> state(static_cast<std::size_t>(spec.rows * full_state));
    if (read) {
      // In ranges of rows of at most gather_bytes_, so that no exchange passes MPI's int counts.
      const std::int64_t step =
          std::max<std::int64_t>(1, gather_bytes_ / (4 * (spec.dim + full_state)));
      for (std::int64_t first = 0; first < spec.rows; first += step) {
        const std::int64_t end = std::min(spec.rows, first + step);
        // The rows [lo, hi) of block e in this range.
        const auto part = [&](const Entry& e) {
          return std::pair{std::max(first, e.row_begin), std::min(end, e.row_end)};
        };
        RankBuffers outgoing(ranks);
        for (const Entry& e : entries_[me]) {
          const auto [lo, hi] = part(e);
          if (!sent(me, t, e) || lo >= hi) continue;
          EmbeddingStore& holder = e.replicated ? *replicated_ : *owned_;
          const std::int64_t width = e.col_end - e.col_begin;
          const std::int64_t state_cols = state_per_row(optimizer_.kind, width);
          ByteWriter writer(outgoing[0]);
          writer.put(std::span<const float>(holder.weights(e.local))
                         .subspan(static_cast<std::size_t>((lo - e.row_begin) * width),
                                  static_cast<std::size_t>((hi - lo) * width)));
          writer.put(std::span<const float>(holder.state(e.local))
                         .subspan(static_cast<std::size_t>((lo - e.row_begin) * state_cols),
                                  static_cast<std::size_t>((hi - lo) * state_cols)));
        }
        const RankBuffers incoming = communicator_->exchange("tables", std::move(outgoing));
        for (std::size_t r = 0; r < ranks && me == 0; ++r) {
          ByteReader reader(incoming[r]);
          for (const Entry& e : entries_[r]) {
            const auto [lo, hi] = part(e);
            if (!sent(r, t, e) || lo >= hi) continue;
            const std::int64_t width = e.col_end - e.col_begin;
            const std::int64_t state_cols = state_per_row(optimizer_.kind, width);
            scratch_.resize(static_cast<std::size_t>((hi - lo) * width));
            reader.get(std::span<float>(scratch_));
            copy_block({hi - lo, width}, scratch_.data(), width, 0, 0, weights.data(), spec.dim, lo,
                       e.col_begin);
            scratch_.resize(static_cast<std::size_t>((hi - lo) * state_cols));
            reader.get(std::span<float>(scratch_));
            copy_block({hi - lo, state_cols}, scratch_.data(), state_cols, 0, 0, state.data(),
                       full_state, lo, state_column(e));
          }
        }
      }
    }
    visit(t, weights, state);
    if (read) continue;
    for (const Entry& e : entries_[me]) {  // what visit wrote, into this rank's blocks
      if (e.table != t) continue;
      EmbeddingStore& holder = e.replicated ? *replicated_ : *owned_;
      const std::int64_t rows = e.row_end - e.row_begin, width = e.col_end - e.col_begin;
      const std::int64_t state_cols = state_per_row(optimizer_.kind, width);
      copy_block({rows, width}, weights.data(), spec.dim, e.row_begin, e.col_begin,
                 holder.weights(e.local).data(), width, 0, 0);
      copy_block({rows, state_cols}, state.data(), full_state, e.row_begin, state_column(e),
                 holder.state(e.local).data(), state_cols, 0, 0);
    }
  }
}

}  // namespace tessera::dlrm::detail
