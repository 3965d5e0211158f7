// SparseTensor helpers (tensor.hpp): level extents and COO construction from coordinates.
#include "tessera/sparse/tensor.hpp"

#include <fmt/format.h>

#include <numeric>


namespace tessera::sparse {

std::uint32_t SparseTensor::level_extent(std::size_t l) const {
  const LevelSpec& s = format.levels[l];
  const std::uint32_t b = format.block[s.dimension];
  switch (s.part) {
    case LevelPart::kWhole: return dims[s.dimension];
    case LevelPart::kBlocks: return static_cast<std::uint32_t>((std::uint64_t{dims[s.dimension]} + b - 1) / b);
    case LevelPart::kWithinBlock: return b;
  }
  return 0;
}

namespace detail {
void throw_value_type_mismatch(ValueType held, ValueType wanted) {
  throw Error("tensor", fmt::format("holds {} values, not {}", to_string(held), to_string(wanted)));
}
}  // namespace detail

SparseTensor make_coo(std::vector<std::uint32_t> dims, ValueType type,
                      std::vector<std::vector<std::uint32_t>> coords, std::vector<std::byte> values,
                      std::string_view source) {
  const std::size_t order = dims.size();
  if (coords.size() != order) {
    throw Error(source, fmt::format("{} coordinate arrays for a tensor of order {}", coords.size(),
                                    order));
  }
  const std::size_t nnz = order == 0 ? 0 : coords[0].size();
  if (nnz > 0xFFFFFFFEu) throw Error(source, "more than 2^32 - 2 entries");
  for (std::size_t d = 0; d < order; ++d) {
    if (coords[d].size() != nnz) {
      throw Error(source, fmt::format("dimension {} has {} coordinates, dimension 0 has {}", d,
                                      coords[d].size(), nnz));
    }
    for (std::size_t k = 0; k < nnz; ++k) {
      if (coords[d][k] >= dims[d]) {
        throw Error(source, fmt::format("entry {} has coordinate {} in dimension {} of extent {}",
                                        k, coords[d][k], d, dims[d]));
      }
    }
  }
  const std::size_t size = value_bytes(type, false);
  if (values.size() != nnz * size) {
    throw Error(source, fmt::format("{} value bytes for {} entries of {}", values.size(), nnz,
                                    to_string(type)));
  }
  SparseTensor t;
  t.format = parse_format("coo", order);
  t.dims = std::move(dims);
  t.value_type = type;
  t.levels.resize(order);
  t.levels[0].pos = {0, static_cast<std::uint32_t>(nnz)};
  for (std::size_t d = 0; d < order; ++d) {
    t.levels[d].crd = std::move(coords[d]);
    t.levels[d].size = nnz;
  }
  t.values = std::move(values);
  // Canonical: strictly increasing in (dimension 0, dimension 1, ...).
  t.canonical = true;
  for (std::size_t k = 1; k < nnz && t.canonical; ++k) {
    for (std::size_t d = 0; d < order; ++d) {
      const std::uint32_t a = t.levels[d].crd[k - 1], b = t.levels[d].crd[k];
      if (a != b) {
        t.canonical = a < b;
        break;
      }
      if (d + 1 == order) t.canonical = false;  // a repeat
    }
  }
  return t;
}

}  // namespace tessera::sparse
