// Matrices the sparse tests share: generated corner cases (empty, one entry, full, hypersparse,
// power-law rows, banded, repeated and unsorted COO) and the entries of a tensor as a sorted list,
// the format-independent view that conversions must preserve.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/generate.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse::testing {

struct NamedMatrix {
  std::string name;
  SparseTensor coo;  // canonical unless the name says "repeated"
};

/// An entry: coordinates then value bytes, comparable.
using Entry = std::pair<std::vector<std::uint32_t>, std::vector<std::byte>>;

/// The entries of `t` in coordinate order (dimension 0 first).
inline std::vector<Entry> entries_of(const SparseTensor& t) {
  std::vector<Entry> out;
  const std::size_t size = value_bytes(t.value_type, false);
  for_each_entry(t, [&](const std::uint32_t* x, std::uint64_t p) {
    std::vector<std::byte> v;
    if (size > 0) v.assign(t.values.begin() + p * size, t.values.begin() + (p + 1) * size);
    out.emplace_back(std::vector<std::uint32_t>(x, x + t.order()), std::move(v));
  });
  std::sort(out.begin(), out.end());
  return out;
}

/// Canonical COO of `t`: sorted, repeats summed.
inline SparseTensor canonical(const SparseTensor& t) { return convert(t, parse_format("coo", t.order())); }

/// The generated corner cases, in value type `type`.
inline std::vector<NamedMatrix> generated_matrices(ValueType type) {
  std::vector<NamedMatrix> out;
  out.push_back({"empty", make_coo({7, 5}, type, {{}, {}}, {})});
  out.push_back({"one-entry", canonical(generate_uniform(9, 13, 1, 3, type))});
  out.push_back({"full", canonical(generate_banded(6, 6, 4, type))});
  out.push_back({"no-rows", make_coo({0, 4}, type, {{}, {}}, {})});
  out.push_back({"hypersparse", canonical(generate_uniform(100000, 90000, 40, 5, type))});
  out.push_back({"power-law", canonical(generate_rmat(7, 1500, 6, type))});
  out.push_back({"banded-rectangular", canonical(generate_uniform(37, 101, 600, 7, type))});
  out.push_back({"banded", canonical(generate_banded(50, 3, 8, type))});
  out.push_back({"repeated-unsorted", generate_uniform(20, 17, 400, 9, type)});
  return out;
}

}  // namespace tessera::sparse::testing
