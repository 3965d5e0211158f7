// The format advisor's profile and cost accounting (advisor.hpp). The storage formulas are those
// the storage tests check against storage_bytes(): 4 bytes per offset and coordinate, 64-bit words
// for bitmaps and packed run symbols, and the values (one byte per position for a pattern under a
// full leaf).
#include "tessera/sparse/advisor.hpp"

#include <algorithm>
#include <set>

#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

constexpr std::uint32_t kBlockSizes[] = {2, 4, 8};
constexpr std::uint32_t kRunBits[] = {4, 8};

std::uint64_t words(std::uint64_t bits) { return (bits + 63) / 64 * 8; }

// Symbols of run-length fibers of `extent` over the sorted coordinates of each fiber.
void count_runs(const SparseTensor& compressed, std::uint32_t extent, bool by_columns,
                MatrixProfile& p) {
  const auto& pos = compressed.levels[1].pos;
  const auto& crd = compressed.levels[1].crd;
  for (std::uint32_t bits : kRunBits) {
    const std::uint64_t filler = (1u << bits) - 1;
    std::uint64_t symbols = 0;
    for (std::size_t f = 0; f + 1 < pos.size(); ++f) {
      std::uint64_t cursor = 0;
      for (std::uint32_t k = pos[f]; k < pos[f + 1]; ++k) {
        symbols += (crd[k] - cursor) / filler + 1;
        cursor = std::uint64_t{crd[k]} + 1;
      }
      symbols += (extent - cursor + filler - 1) / filler;
    }
    p.run_symbols[{bits, by_columns}] = symbols;
  }
}

}  // namespace

MatrixProfile profile_matrix(const SparseTensor& m) {
  if (m.order() != 2) throw Error("profile_matrix", "the advisor takes matrices (order 2)");
  MatrixProfile p;
  p.rows = m.dims[0];
  p.cols = m.dims[1];
  p.value_type = m.value_type;
  const SparseTensor csr = convert(m, parse_format("csr", 2));
  const SparseTensor csc = convert(csr, parse_format("csc", 2));
  p.entries = csr.levels[1].crd.size();
  for (const auto& [t, nonempty, longest] :
       {std::tuple{&csr, &p.nonempty_rows, &p.longest_row}, std::tuple{&csc, &p.nonempty_cols, &p.longest_col}}) {
    const auto& pos = t->levels[1].pos;
    for (std::size_t f = 0; f + 1 < pos.size(); ++f) {
      const std::uint64_t n = pos[f + 1] - pos[f];
      *nonempty += n > 0;
      *longest = std::max(*longest, n);
    }
  }
  count_runs(csr, p.cols, false, p);
  count_runs(csc, p.rows, true, p);
  for (std::uint32_t b : kBlockSizes) {
    // Distinct block columns per block row, rows in order: a set per block row.
    std::uint64_t blocks = 0;
    std::vector<std::uint32_t> seen;
    const auto& pos = csr.levels[1].pos;
    const auto& crd = csr.levels[1].crd;
    for (std::uint32_t r0 = 0; r0 < p.rows; r0 += b) {
      seen.clear();
      for (std::uint32_t r = r0; r < std::min(p.rows, r0 + b); ++r) {
        for (std::uint32_t k = pos[r]; k < pos[r + 1]; ++k) seen.push_back(crd[k] / b);
      }
      std::sort(seen.begin(), seen.end());
      blocks += static_cast<std::uint64_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
    }
    p.blocks[b] = blocks;
  }
  return p;
}

std::vector<FormatSpec> advisor_candidates() {
  std::vector<FormatSpec> out;
  for (const char* f : {"dense", "dense@col", "coo", "coo@col", "csr", "csc", "dcsr", "dcsc", "bitmap",
                        "bitmap@col", "rlc:4", "rlc:4@col", "rlc:8", "rlc:8@col", "ell", "ell@col",
                        "bcsr:2x2", "bcsr:4x4", "bcsr:8x8"}) {
    out.push_back(parse_format(f, 2));
  }
  return out;
}

std::vector<FormatCost> estimate(const MatrixProfile& p, std::uint32_t columns, const CostModel* model) {
  const std::uint64_t b = value_bytes(p.value_type, false);
  const std::uint64_t full_b = value_bytes(p.value_type, true);
  const std::uint64_t vector_b = p.value_type == ValueType::kPattern ? 8 : value_bytes(p.value_type, false);
  const std::uint64_t nnz = p.entries;
  std::vector<FormatCost> out;
  for (const FormatSpec& f : advisor_candidates()) {
    const bool by_col = f.levels[0].dimension == 1;
    const std::uint64_t outer = by_col ? p.cols : p.rows, inner = by_col ? p.rows : p.cols;
    const std::uint64_t nonempty = by_col ? p.nonempty_cols : p.nonempty_rows;
    const std::uint64_t longest = by_col ? p.longest_col : p.longest_row;
    FormatCost c{.format = f};
    switch (f.levels.back().kind) {
      case LevelKind::kDense:
        c.storage_bytes = outer * inner * full_b;
        c.steps = outer * inner;
        break;
      case LevelKind::kSingleton:
        c.storage_bytes = 8 + nnz * (8 + b);
        c.steps = nnz;
        break;
      case LevelKind::kCompressed:
        if (f.levels[0].kind == LevelKind::kDense) {
          c.storage_bytes = (outer + 1) * 4 + nnz * (4 + b);
          c.steps = outer + nnz;
        } else {
          c.storage_bytes = 8 + nonempty * 8 + 4 + nnz * (4 + b);
          c.steps = nonempty + nnz;
        }
        break;
      case LevelKind::kBitmap:
        c.storage_bytes = words(outer * inner) + nnz * b;
        c.steps = outer + outer * inner / 64 + nnz;
        break;
      case LevelKind::kRunLength: {
        const std::uint32_t bits = f.levels.back().parameter;
        const std::uint64_t symbols = p.run_symbols.at({bits, by_col});
        c.storage_bytes = words(symbols * bits) + nnz * b;
        c.steps = outer + symbols;
        break;
      }
      case LevelKind::kPadded:
        c.storage_bytes = outer * longest * (4 + b);
        c.steps = outer + nnz;
        break;
      case LevelKind::kBlock: {
        const std::uint32_t bs = f.block[0];
        const std::uint64_t blocks = p.blocks.at(bs);
        c.storage_bytes = ((p.rows + bs - 1) / bs + 1) * 4 + blocks * 4 + blocks * bs * bs * full_b;
        c.steps = (p.rows + bs - 1) / bs + blocks + blocks * bs * bs;
        break;
      }
    }
    c.multiply_adds = nnz * columns;
    c.bytes_moved = c.storage_bytes + (std::uint64_t{p.cols} + p.rows) * columns * vector_b;
    if (model != nullptr) {
      const auto [step, multiply_add] = model->step_and_multiply_add.at(f.name);
      c.seconds = step * static_cast<double>(c.steps) + multiply_add * static_cast<double>(c.multiply_adds);
      if (c.bytes_moved > model->cache_bytes && model->bytes_per_second > 0) {
        c.seconds = std::max(c.seconds, static_cast<double>(c.bytes_moved) / model->bytes_per_second);
      }
    }
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const FormatCost& x, const FormatCost& y) {
    return x.seconds != y.seconds ? x.seconds < y.seconds : x.storage_bytes < y.storage_bytes;
  });
  return out;
}

FormatSpec advise_storage(const MatrixProfile& profile) {
  std::vector<FormatCost> costs = estimate(profile, 1, nullptr);
  return std::min_element(costs.begin(), costs.end(), [](const FormatCost& x, const FormatCost& y) {
           return x.storage_bytes < y.storage_bytes;
         })->format;
}

FormatSpec advise_kernel(const MatrixProfile& profile, std::uint32_t columns, const CostModel& model) {
  return estimate(profile, columns, &model).front().format;
}

}  // namespace tessera::sparse
