// Unit scores, the global threshold and the pattern builders of pruning.hpp.
#include "tessera/tilewise/pruning.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera::tilewise {

namespace {

constexpr std::array<std::pair<PatternKind, std::string_view>, 6> kPatternNames = {{
    {PatternKind::kElementWise, "ew"},
    {PatternKind::kVectorWise, "vw"},
    {PatternKind::kBlockWise, "bw"},
    {PatternKind::kTileWise1D, "tw"},
    {PatternKind::kTileWise2D, "tw2d"},
    {PatternKind::kHybrid, "tew"},
}};

/// A pruning unit: a set of weights of one layer kept or removed together.
struct Unit {
  double score = 0;           // length-normalised L2 norm of its element scores
  std::uint64_t weights = 0;  // how many weights it holds
  std::uint32_t layer = 0;
  std::uint64_t index = 0;  // position within the layer, for ties and for the caller
};

/// Accumulates the element scores of one unit: ‖e‖₂ / count.
class UnitScore {
 public:
  void add(float e) {
    sum_squares_ += static_cast<double>(e) * e;
    ++count_;
  }
  double score() const { return count_ == 0 ? 0 : std::sqrt(sum_squares_) / count_; }
  std::uint64_t count() const { return count_; }

 private:
  double sum_squares_ = 0;
  std::uint64_t count_ = 0;
};

/// Marks the lowest-scoring units pruned until at least `target` weights are removed (ties: layer,
/// then index); returns the weights removed. `pruned` is indexed like `units`.
std::uint64_t global_threshold(const std::vector<Unit>& units, std::uint64_t target,
                               std::vector<std::uint8_t>& pruned) {
  std::vector<std::size_t> order(units.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::sort(order, [&](std::size_t a, std::size_t b) {
    const Unit& x = units[a];
    const Unit& y = units[b];
    if (x.score != y.score) return x.score < y.score;
    if (x.layer != y.layer) return x.layer < y.layer;
    return x.index < y.index;
  });
  pruned.assign(units.size(), 0);
  std::uint64_t removed = 0;
  for (std::size_t i = 0; i < order.size() && removed < target; ++i) {
    pruned[order[i]] = 1;
    removed += units[order[i]].weights;
  }
  return removed;
}

std::uint64_t fraction_of(double fraction, std::uint64_t total) {
  return static_cast<std::uint64_t>(std::llround(fraction * static_cast<double>(total)));
}

LayerMask empty_mask(const View<const float, 2>& s, std::uint8_t value) {
  return {s.extent(0), s.extent(1), std::vector<std::uint8_t>(s.size(), value), std::nullopt};
}

// EW and BW: square blocks of `b` (1 for elements), the edge ones smaller.
void prune_blocks(std::span<const View<const float, 2>> scores, std::size_t b, double sparsity,
                  std::uint64_t total, std::vector<LayerMask>& masks) {
  std::vector<Unit> units;
  for (std::uint32_t l = 0; l < scores.size(); ++l) {
    const auto& s = scores[l];
    const std::size_t block_cols = (s.extent(1) + b - 1) / b;
    for (std::size_t bi = 0; bi * b < s.extent(0); ++bi) {
      for (std::size_t bj = 0; bj < block_cols; ++bj) {
        UnitScore unit;
        for (std::size_t i = bi * b; i < std::min(s.extent(0), (bi + 1) * b); ++i) {
          for (std::size_t j = bj * b; j < std::min(s.extent(1), (bj + 1) * b); ++j) {
            unit.add(s(i, j));
          }
        }
        units.push_back({unit.score(), unit.count(), l, bi * block_cols + bj});
      }
    }
  }
  std::vector<std::uint8_t> pruned;
  global_threshold(units, fraction_of(sparsity, total), pruned);
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (pruned[u] == 0) continue;
    LayerMask& m = masks[units[u].layer];
    const std::size_t block_cols = (m.n + b - 1) / b;
    const std::size_t bi = units[u].index / block_cols, bj = units[u].index % block_cols;
    for (std::size_t i = bi * b; i < std::min(m.k, (bi + 1) * b); ++i) {
      for (std::size_t j = bj * b; j < std::min(m.n, (bj + 1) * b); ++j) m.kept[i * m.n + j] = 0;
    }
  }
}

// VW: every run of `length` consecutive rows of one column keeps its best round((1 - s)·run).
void prune_vectors(std::span<const View<const float, 2>> scores, std::size_t length,
                   double sparsity, std::vector<LayerMask>& masks) {
  for (std::size_t l = 0; l < scores.size(); ++l) {
    const auto& s = scores[l];
    LayerMask& m = masks[l];
    std::vector<std::size_t> rows;
    for (std::size_t j = 0; j < s.extent(1); ++j) {
      for (std::size_t first = 0; first < s.extent(0); first += length) {
        const std::size_t run = std::min(length, s.extent(0) - first);
        rows.resize(run);
        std::iota(rows.begin(), rows.end(), first);
        std::ranges::stable_sort(rows,
                                 [&](std::size_t a, std::size_t b) { return s(a, j) > s(b, j); });
        const auto keep = static_cast<std::size_t>(std::llround((1.0 - sparsity) * run));
        for (std::size_t r = keep; r < run; ++r) m.kept[rows[r] * m.n + j] = 0;
      }
    }
  }
}

// The columns of each layer that survive, all of them unless `column_sparsity` > 0 (TW-2D).
std::vector<std::vector<std::uint32_t>> live_columns(std::span<const View<const float, 2>> scores,
                                                     double column_sparsity, std::uint64_t total,
                                                     std::uint64_t& removed) {
  std::vector<std::vector<std::uint32_t>> live(scores.size());
  removed = 0;
  if (column_sparsity <= 0) {
    for (std::size_t l = 0; l < scores.size(); ++l) {
      live[l].resize(scores[l].extent(1));
      std::iota(live[l].begin(), live[l].end(), 0u);
    }
    return live;
  }
  std::vector<Unit> units;
  for (std::uint32_t l = 0; l < scores.size(); ++l) {
    for (std::size_t j = 0; j < scores[l].extent(1); ++j) {
      UnitScore unit;
      for (std::size_t i = 0; i < scores[l].extent(0); ++i) unit.add(scores[l](i, j));
      units.push_back({unit.score(), unit.count(), l, j});
    }
  }
  std::vector<std::uint8_t> pruned;
  removed = global_threshold(units, fraction_of(column_sparsity, total), pruned);
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (pruned[u] == 0) live[units[u].layer].push_back(static_cast<std::uint32_t>(units[u].index));
  }
  return live;
}

// TW: tiles of g live columns per layer, then row segments pruned under one global threshold
// until `target` weights are removed in all (columns already removed count).
void prune_tiles(std::span<const View<const float, 2>> scores, std::size_t g,
                 const std::vector<std::vector<std::uint32_t>>& live, std::uint64_t target,
                 std::uint64_t already_removed, std::vector<LayerMask>& masks) {
  std::vector<Unit> units;
  std::vector<TilePattern> patterns(scores.size());
  for (std::uint32_t l = 0; l < scores.size(); ++l) {
    const auto& s = scores[l];
    patterns[l] = {s.extent(0), s.extent(1), g, {}};
    for (std::size_t first = 0; first < live[l].size(); first += g) {
      Tile tile;
      tile.columns.assign(
          live[l].begin() + static_cast<std::ptrdiff_t>(first),
          live[l].begin() + static_cast<std::ptrdiff_t>(std::min(live[l].size(), first + g)));
      const std::size_t t = patterns[l].tiles.size();
      for (std::size_t i = 0; i < s.extent(0); ++i) {
        UnitScore unit;
        for (std::uint32_t j : tile.columns) unit.add(s(i, j));
        units.push_back({unit.score(), unit.count(), l, t * s.extent(0) + i});
      }
      patterns[l].tiles.push_back(std::move(tile));
    }
  }
  std::vector<std::uint8_t> pruned;
  global_threshold(units, target > already_removed ? target - already_removed : 0, pruned);
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (pruned[u] != 0) continue;
    TilePattern& p = patterns[units[u].layer];
    p.tiles[units[u].index / p.k].rows.push_back(static_cast<std::uint32_t>(units[u].index % p.k));
  }
  for (std::size_t l = 0; l < scores.size(); ++l) {
    LayerMask& m = masks[l];
    std::fill(m.kept.begin(), m.kept.end(), std::uint8_t{0});
    for (const Tile& tile : patterns[l].tiles) {
      for (std::uint32_t i : tile.rows) {
        for (std::uint32_t j : tile.columns) m.kept[i * m.n + j] = 1;
      }
    }
    m.tiles = std::move(patterns[l]);
  }
}

// TEW: the best `count` pruned weights of all layers by element score come back.
void restore_elements(std::span<const View<const float, 2>> scores, std::uint64_t count,
                      std::vector<LayerMask>& masks) {
  struct Candidate {
    float score;
    std::uint32_t layer;
    std::uint64_t index;
  };
  std::vector<Candidate> pruned;
  for (std::uint32_t l = 0; l < scores.size(); ++l) {
    for (std::size_t i = 0; i < masks[l].kept.size(); ++i) {
      if (masks[l].kept[i] == 0)
        pruned.push_back({scores[l](i / masks[l].n, i % masks[l].n), l, i});
    }
  }
  const auto better = [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.layer != b.layer ? a.layer < b.layer : a.index < b.index;
  };
  const std::size_t restored = std::min<std::uint64_t>(count, pruned.size());
  std::partial_sort(pruned.begin(), pruned.begin() + static_cast<std::ptrdiff_t>(restored),
                    pruned.end(), better);
  for (std::size_t r = 0; r < restored; ++r) masks[pruned[r].layer].kept[pruned[r].index] = 1;
}

}  // namespace

bool is_tile_wise(PatternKind kind) {
  return kind == PatternKind::kTileWise1D || kind == PatternKind::kTileWise2D ||
         kind == PatternKind::kHybrid;
}

std::string_view to_string(PatternKind kind) {
  for (const auto& [k, name] : kPatternNames) {
    if (k == kind) return name;
  }
  return "?";
}

PatternKind parse_pattern(std::string_view name) {
  for (const auto& [k, n] : kPatternNames) {
    if (n == name) return k;
  }
  throw usage_error("PruneOptions::pattern",
                    fmt::format("unknown pattern '{}' (ew, vw, bw, tw, tw2d, tew)", name));
}

std::size_t LayerMask::kept_count() const {
  return static_cast<std::size_t>(std::ranges::count(kept, std::uint8_t{1}));
}

AlignedBuffer<float> magnitude_scores(View<const float, 2> w) {
  AlignedBuffer<float> scores(w.size());
  for (std::size_t i = 0; i < w.extent(0); ++i) {
    for (std::size_t j = 0; j < w.extent(1); ++j) scores[i * w.extent(1) + j] = std::fabs(w(i, j));
  }
  return scores;
}

void check_prune_options(const PruneOptions& options) {
  const double s = options.sparsity;
  if (!(s >= 0 && s <= 1)) {
    throw usage_error("PruneOptions::sparsity", fmt::format("must be in [0, 1], got {}", s));
  }
  for (const auto& [field, size] : {std::pair{"PruneOptions::tile_width", options.tile_width},
                                    std::pair{"PruneOptions::vector_length", options.vector_length},
                                    std::pair{"PruneOptions::block_size", options.block_size}}) {
    if (size == 0) throw usage_error(field, "must be at least 1");
  }
  if (!(options.hybrid_delta >= 0 && options.hybrid_delta <= 1)) {
    throw usage_error("PruneOptions::hybrid_delta",
                      fmt::format("must be in [0, 1], got {}", options.hybrid_delta));
  }
}

std::vector<LayerMask> prune(std::span<const View<const float, 2>> scores,
                             const PruneOptions& options) {
  check_prune_options(options);
  const double s = options.sparsity;
  std::uint64_t total = 0;
  std::vector<LayerMask> masks;
  for (std::size_t l = 0; l < scores.size(); ++l) {
    const auto& layer = scores[l];
    for (std::size_t i = 0; i < layer.extent(0); ++i) {
      for (std::size_t j = 0; j < layer.extent(1); ++j) {
        if (!(layer(i, j) >= 0)) {
          throw Error("scores",
                      fmt::format("layer {} has a negative or NaN score at ({}, {})", l, i, j));
        }
      }
    }
    total += layer.size();
    masks.push_back(empty_mask(layer, 1));
  }
  std::uint64_t removed_columns = 0;
  switch (options.pattern) {
    case PatternKind::kElementWise:
      prune_blocks(scores, 1, s, total, masks);
      break;
    case PatternKind::kBlockWise:
      prune_blocks(scores, options.block_size, s, total, masks);
      break;
    case PatternKind::kVectorWise:
      prune_vectors(scores, options.vector_length, s, masks);
      break;
    case PatternKind::kTileWise1D:
      prune_tiles(scores, options.tile_width, live_columns(scores, 0, total, removed_columns),
                  fraction_of(s, total), 0, masks);
      break;
    case PatternKind::kTileWise2D: {
      // The sparsity is split evenly between the dimensions: (1 - s_col)² = 1 - s.
      const auto live = live_columns(scores, 1 - std::sqrt(1 - s), total, removed_columns);
      prune_tiles(scores, options.tile_width, live, fraction_of(s, total), removed_columns, masks);
      break;
    }
    case PatternKind::kHybrid: {
      const double delta = std::min(options.hybrid_delta, 1 - s);
      prune_tiles(scores, options.tile_width, live_columns(scores, 0, total, removed_columns),
                  fraction_of(s + delta, total), 0, masks);
      restore_elements(scores, fraction_of(delta, total), masks);
      break;
    }
  }
  return masks;
}

}  // namespace tessera::tilewise
