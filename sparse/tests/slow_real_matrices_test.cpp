// Every pair of formats on every real matrix of the manifest: each conversion keeps the entries,
// and converting back gives the same bytes. A stored zero (bayer10 has them) stays in every format
// that can hold it and is dropped by a full leaf, where it means "no entry". Minutes: label slow.
#include <gtest/gtest.h>

#include <iostream>

#include "tessera/sparse/data_manifest.hpp"
#include "tessera/sparse/matrix_market.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

// Formats that would hold more than this (dense forms of the larger matrices) are skipped, listed.
constexpr std::uint64_t kMaxBytes = 64u << 20;

// `entries` without the stored zeros, as a canonical COO tensor of `like`'s shape and type.
SparseTensor without_zeros(const SparseTensor& like, const std::vector<testing::Entry>& entries) {
  std::vector<std::vector<std::uint32_t>> coords(like.order());
  std::vector<std::byte> values;
  for (const auto& [x, bytes] : entries) {
    if (is_zero_value(bytes.data(), bytes.size()) && !bytes.empty()) continue;
    for (std::size_t d = 0; d < x.size(); ++d) coords[d].push_back(x[d]);
    values.insert(values.end(), bytes.begin(), bytes.end());
  }
  return testing::canonical(make_coo(like.dims, like.value_type, std::move(coords), std::move(values)));
}

TEST(SlowRealMatrices, EveryPairOfFormatsRoundTripsBitExactly) {
  std::string missing, skipped;
  std::size_t read = 0;
  const std::vector<FormatSpec> formats = all_formats(2, 4, 4);
  for (const DataInput& in : data_manifest().set("real")) {
    if (!in.present) {
      missing += "\n  " + in.missing_reason;
      continue;
    }
    const SparseTensor coo = testing::canonical(read_matrix_market(in.path));
    const auto with_zeros = testing::entries_of(coo);
    const SparseTensor nonzero = without_zeros(coo, with_zeros);
    const auto without = testing::entries_of(nonzero);
    struct Converted {
      const FormatSpec* format;
      SparseTensor from_all;      // from every entry
      SparseTensor from_nonzero;  // from the entries that are not stored zeros
    };
    std::vector<Converted> in_format;
    for (const FormatSpec& f : formats) {
      try {
        in_format.push_back({&f, convert(coo, f, {.max_bytes = kMaxBytes}), convert(nonzero, f)});
      } catch (const Error&) {
        skipped += " " + in.id + " in " + f.name + ";";
      }
    }
    for (const auto& a : in_format) {
      ASSERT_EQ(testing::entries_of(a.from_all), a.format->full_leaf() ? without : with_zeros)
          << in.id << " in " << a.format->name;
      for (const auto& b : in_format) {
        const SparseTensor& want = b.format->full_leaf() ? a.from_nonzero : a.from_all;
        ASSERT_TRUE(convert(b.from_all, *a.format) == want) << in.id << ": " << b.format->name << " -> "
                                                             << a.format->name;
      }
    }
    ++read;
  }
  if (read == 0) GTEST_SKIP() << "no real matrix here:" << missing;
  std::cout << read << " matrices; formats over " << kMaxBytes << " bytes, not converted:" << skipped << "\n";
}

}  // namespace
}  // namespace tessera::sparse
