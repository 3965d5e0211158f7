// Storage accounting against the closed forms of the reference notes (§3), per format, on
// generated matrices; and the bitmap/CSR and dense/bitmap crossovers those forms predict.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "tessera/sparse/storage.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

// What the formulas need, counted from the entries: rows R, columns C, nnz, rows with entries,
// the longest row, run-length symbols at r bits, and blocks of br x bc with an entry.
struct Counts {
  std::uint64_t rows, cols, nnz = 0, nonempty_rows = 0, longest_row = 0;
};

Counts counts_of(const SparseTensor& t, bool by_columns) {
  Counts c{by_columns ? t.dims[1] : t.dims[0], by_columns ? t.dims[0] : t.dims[1]};
  std::map<std::uint32_t, std::uint64_t> per_row;
  for (const auto& [x, v] : testing::entries_of(t)) ++per_row[x[by_columns ? 1 : 0]];
  for (const auto& [row, n] : per_row) {
    c.nnz += n;
    ++c.nonempty_rows;
    c.longest_row = std::max(c.longest_row, n);
  }
  return c;
}

// Fillers of 2^r - 1 positions: one per full stretch of a gap before an entry, and enough to
// pass the end of each row after its last entry.
std::uint64_t run_length_symbols(const SparseTensor& t, std::uint32_t bits, bool by_columns) {
  const std::uint64_t filler = (1u << bits) - 1;
  const std::uint64_t rows = t.dims[by_columns ? 1 : 0], cols = t.dims[by_columns ? 0 : 1];
  std::map<std::uint32_t, std::vector<std::uint32_t>> per_row;
  for (const auto& [x, v] : testing::entries_of(t)) per_row[x[by_columns ? 1 : 0]].push_back(x[by_columns ? 0 : 1]);
  std::uint64_t symbols = 0;
  for (std::uint64_t r = 0; r < rows; ++r) {
    std::vector<std::uint32_t> row = per_row[static_cast<std::uint32_t>(r)];
    std::sort(row.begin(), row.end());
    std::uint64_t cursor = 0;
    for (std::uint32_t c : row) {
      symbols += (c - cursor) / filler + 1;
      cursor = c + 1;
    }
    symbols += (cols - cursor + filler - 1) / filler;
  }
  return symbols;
}

std::uint64_t blocks_with_entries(const SparseTensor& t, std::uint32_t br, std::uint32_t bc) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> blocks;
  for (const auto& [x, v] : testing::entries_of(t)) blocks.insert({x[0] / br, x[1] / bc});
  return blocks.size();
}

std::uint64_t words(std::uint64_t bits) { return (bits + 63) / 64 * 8; }

TEST(Storage, MatchesTheClosedFormOfEveryFormat) {
  for (const ValueType type : {ValueType::kF32, ValueType::kF64}) {
    const std::uint64_t b = value_bytes(type, false);
    for (const testing::NamedMatrix& m : testing::generated_matrices(type)) {
      const SparseTensor a = testing::canonical(m.coo);
      for (const bool col : {false, true}) {
        const Counts c = counts_of(a, col);
        const std::string o = col ? "@col" : "";
        const auto bytes = [&](const std::string& f) {
          return storage_bytes(convert(a, parse_format(f, 2))).total();
        };
        SCOPED_TRACE(m.name + o);
        if (c.rows * c.cols < (1u << 22)) {
          EXPECT_EQ(bytes("dense" + o), c.rows * c.cols * b);
          EXPECT_EQ(bytes("bitmap" + o), words(c.rows * c.cols) + c.nnz * b);
          EXPECT_EQ(bytes("rlc:4" + o), words(run_length_symbols(a, 4, col) * 4) + c.nnz * b);
        }
        EXPECT_EQ(bytes("csr" + o), (c.rows + 1) * 4 + c.nnz * (4 + b));
        EXPECT_EQ(bytes("coo" + o), 2 * 4 + c.nnz * (2 * 4 + b));
        EXPECT_EQ(bytes("dcsr" + o), 2 * 4 + c.nonempty_rows * 4 + (c.nonempty_rows + 1) * 4 +
                                         c.nnz * (4 + b));
        EXPECT_EQ(bytes("ell" + o), c.rows * c.longest_row * (4 + b));
      }
      const std::uint64_t blocks = blocks_with_entries(a, 2, 3);
      EXPECT_EQ(storage_bytes(convert(a, parse_format("bcsr:2x3", 2))).total(),
                ((a.dims[0] + 1) / 2 + 1) * 4 + blocks * 4 + blocks * 6 * b)
          << m.name;
    }
  }
}

TEST(Storage, CrossoversSitWhereTheFormulasPutThem) {
  // With 32-bit values and indices: bitmap beats CSR below 1/32 of density (3.1%), dense beats
  // bitmap above 31/32 (96.9%). Measured on uniform random 512 x 512 matrices.
  const std::uint32_t n = 512;
  const auto at = [&](double density) {
    const auto draws = static_cast<std::uint64_t>(-std::log1p(-density) * n * n);
    const SparseTensor a = testing::canonical(generate_uniform(n, n, draws, 11, ValueType::kF32));
    std::map<std::string, std::uint64_t> s;
    for (const char* f : {"dense", "bitmap", "csr"}) s[f] = storage_bytes(convert(a, parse_format(f, 2))).total();
    return s;
  };
  EXPECT_LT(at(0.02)["csr"], at(0.02)["bitmap"]);
  EXPECT_GT(at(0.045)["csr"], at(0.045)["bitmap"]);
  EXPECT_LT(at(0.95)["bitmap"], at(0.95)["dense"]);
  EXPECT_GT(at(0.99)["bitmap"], at(0.99)["dense"]);
}

}  // namespace
}  // namespace tessera::sparse
