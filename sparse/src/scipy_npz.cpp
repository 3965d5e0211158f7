// SciPy .npz sparse matrices (scipy_npz.hpp): the members save_npz writes are checked and taken
// over as the levels of a csr, csc, coo or bcsr tensor; unsorted or repeated indices are sorted
// and summed fiber by fiber (as scipy's sum_duplicates), in memory linear in the entries.
#include "tessera/sparse/scipy_npz.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <string>

#include "npy_array.hpp"
#include "tessera/core/file_io.hpp"
#include "value_ops.hpp"
#include "zip_archive.hpp"

namespace tessera::sparse {
namespace {

using detail::fail_member;
using detail::NpyArray;
using detail::NpyDtype;
using detail::NpyKind;

constexpr std::uint64_t kMaxEntries = 0xFFFFFFFEu;           // make_coo's limit: offsets are 32-bit
constexpr std::uint64_t kMaxExact = std::uint64_t{1} << 53;  // integers that float64 holds exactly
constexpr std::uint64_t kMaxInt32 = 0x7FFFFFFF;

// The members of an .npz file by NumPy's keys: the member names without ".npy".
class Npz {
 public:
  Npz(std::span<const std::byte> bytes, std::string_view source) : source_(source) {
    for (detail::ZipEntry& e : detail::read_zip(bytes, source)) {
      std::string key = e.name.ends_with(".npy") ? e.name.substr(0, e.name.size() - 4) : e.name;
      if (!members_.emplace(key, std::move(e.data)).second) {
        throw Error(source, fmt::format("has two members of key '{0}' ({0} and {0}.npy)", key));
      }
    }
  }

  bool has(const std::string& key) const { return members_.contains(key); }

  /// The array `key`; tessera::Error naming the source when there is none.
  NpyArray array(const std::string& key) const {
    const auto it = members_.find(key);
    if (it == members_.end()) {
      throw Error(source_, fmt::format("has no member '{}' ({}.npy), which scipy.sparse.save_npz "
                                       "writes for this format",
                                       key, key));
    }
    return detail::parse_npy_array(it->second, source_, key);
  }

 private:
  std::string_view source_;
  std::map<std::string, std::vector<std::byte>> members_;
};

void expect_dimensions(const NpyArray& a, std::size_t order, std::string_view source,
                       std::string_view key) {
  if (a.shape.size() != order) {
    fail_member(source, key,
                fmt::format("has shape ({}), not {} dimension{}", fmt::join(a.shape, ", "), order,
                            order == 1 ? "" : "s"));
  }
}

// The elements of the 1-D integer array `key`, each below `bound`; `range` says what bounds them.
std::vector<std::uint32_t> indices_of(const NpyArray& a, std::string_view key, std::uint64_t bound,
                                      std::string_view range, std::string_view source) {
  if (a.dtype.kind != NpyKind::kSigned && a.dtype.kind != NpyKind::kUnsigned) {
    fail_member(source, key,
                fmt::format("is {}, not an integer array", detail::dtype_name(a.dtype)));
  }
  expect_dimensions(a, 1, source, key);
  std::vector<std::uint32_t> out(static_cast<std::size_t>(a.shape[0]));
  for (std::size_t i = 0; i < out.size(); ++i) {
    const detail::NpyInteger v = detail::integer_at(a, i);
    if (v.negative || v.magnitude >= bound) {
      fail_member(source, key,
                  fmt::format("{}[{}] = {}{} is out of range ({})", key, i, v.negative ? "-" : "",
                              v.magnitude, range));
    }
    out[i] = static_cast<std::uint32_t>(v.magnitude);
  }
  return out;
}

// Values as the tensor holds them; pattern: one flag byte (0 or 1) per element.
struct Values {
  ValueType type = ValueType::kF64;
  std::vector<std::byte> bytes;
};

Values values_of(const NpyArray& data, std::string_view source) {
  const NpyDtype dtype = data.dtype;
  const std::size_t n = static_cast<std::size_t>(data.count());
  Values v;
  const auto copy_as = [&](ValueType type) {
    v.type = type;
    v.bytes = data.data;
  };
  if (dtype == NpyDtype{NpyKind::kFloat, 4}) {
    copy_as(ValueType::kF32);
  } else if (dtype == NpyDtype{NpyKind::kFloat, 8}) {
    copy_as(ValueType::kF64);
  } else if (dtype == NpyDtype{NpyKind::kComplex, 16}) {
    copy_as(ValueType::kC128);
  } else if (dtype == NpyDtype{NpyKind::kComplex, 8}) {  // widened exactly
    v.type = ValueType::kC128;
    v.bytes.resize(n * sizeof(Complex));
    for (std::size_t i = 0; i < n; ++i) {
      float part[2];
      std::memcpy(part, data.data.data() + i * sizeof part, sizeof part);
      const Complex z(part[0], part[1]);
      std::memcpy(v.bytes.data() + i * sizeof z, &z, sizeof z);
    }
  } else if (dtype.kind == NpyKind::kBool) {
    v.type = ValueType::kPattern;
    v.bytes.resize(n);
    for (std::size_t i = 0; i < n; ++i) v.bytes[i] = std::byte{data.data[i] != std::byte{0}};
  } else if (dtype.kind == NpyKind::kSigned || dtype.kind == NpyKind::kUnsigned) {
    v.type = ValueType::kF64;
    v.bytes.resize(n * sizeof(double));
    for (std::size_t i = 0; i < n; ++i) {
      const detail::NpyInteger x = detail::integer_at(data, i);
      if (x.magnitude > kMaxExact) {
        fail_member(source, "data",
                    fmt::format("data[{}] = {}{} is beyond 2^53, which float64 (the "
                                "value type of integer data) cannot hold exactly",
                                i, x.negative ? "-" : "", x.magnitude));
      }
      const double d =
          x.negative ? -static_cast<double>(x.magnitude) : static_cast<double>(x.magnitude);
      std::memcpy(v.bytes.data() + i * sizeof d, &d, sizeof d);
    }
  } else {
    fail_member(source, "data",
                fmt::format("is {}; tessera reads bool, integer, float32, float64, "
                            "complex64 and complex128 data",
                            detail::dtype_name(dtype)));
  }
  return v;
}

bool all_set(const Values& v) {
  return std::all_of(v.bytes.begin(), v.bytes.end(), [](std::byte b) { return b != std::byte{0}; });
}

// The checked indptr and indices of a csr, csc or bsr matrix: `fibers` rows (columns, block
// rows) of indices below `extent`, `count` entries (blocks) in all.
struct Compressed {
  std::vector<std::uint32_t> indptr;
  std::vector<std::uint32_t> indices;

  // Indices strictly increase within every fiber.
  bool sorted_unique() const {
    for (std::size_t f = 0; f + 1 < indptr.size(); ++f) {
      for (std::uint32_t k = indptr[f] + 1; k < indptr[f + 1]; ++k) {
        if (indices[k - 1] >= indices[k]) return false;
      }
    }
    return true;
  }

  // Sorts every fiber by index (stably) and sums repeated indices in their order of appearance,
  // as scipy's sum_duplicates; pattern flags are or-ed. `values` holds `elements` values per
  // entry (a block's). drop_unset: first drops the entries whose pattern flag is 0.
  void sum_duplicates(Values& values, std::size_t elements, bool drop_unset) {
    const bool pattern = values.type == ValueType::kPattern;
    const std::size_t size = pattern ? 1 : value_bytes(values.type, false);
    const std::size_t entry = size * elements;
    std::vector<std::uint32_t> pos(indptr.size(), 0), crd, order;
    std::vector<std::byte> sums;
    crd.reserve(indices.size());
    sums.reserve(values.bytes.size());
    for (std::size_t f = 0; f + 1 < indptr.size(); ++f) {
      order.resize(indptr[f + 1] - indptr[f]);
      std::iota(order.begin(), order.end(), indptr[f]);
      if (drop_unset) {
        std::erase_if(order, [&](std::uint32_t k) { return values.bytes[k] == std::byte{0}; });
      }
      std::stable_sort(order.begin(), order.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return indices[a] < indices[b]; });
      for (std::uint32_t k : order) {
        const std::byte* value = values.bytes.data() + std::size_t{k} * entry;
        if (crd.size() > pos[f] && crd.back() == indices[k]) {
          std::byte* into = sums.data() + sums.size() - entry;
          for (std::size_t e = 0; e < elements; ++e) {
            if (pattern) {
              into[e] |= value[e];
            } else {
              detail::add_value(values.type, into + e * size, value + e * size);
            }
          }
          continue;
        }
        crd.push_back(indices[k]);
        sums.insert(sums.end(), value, value + entry);
      }
      pos[f + 1] = static_cast<std::uint32_t>(crd.size());
    }
    indptr = std::move(pos);
    indices = std::move(crd);
    values.bytes = std::move(sums);
  }
};

Compressed compressed_of(const Npz& npz, std::uint64_t fibers, std::uint64_t extent,
                         std::uint64_t count, std::string_view fiber_name,
                         std::string_view index_name, std::string_view source) {
  Compressed c;
  c.indptr = indices_of(npz.array("indptr"), "indptr", count + 1,
                        fmt::format("data holds {} entries", count), source);
  if (c.indptr.size() != fibers + 1) {
    fail_member(source, "indptr",
                fmt::format("has {} offsets; {} {} need {}", c.indptr.size(), fibers, fiber_name,
                            fibers + 1));
  }
  if (c.indptr[0] != 0)
    fail_member(source, "indptr", fmt::format("starts at {}, not 0", c.indptr[0]));
  for (std::size_t f = 0; f + 1 < c.indptr.size(); ++f) {
    if (c.indptr[f + 1] < c.indptr[f]) {
      fail_member(source, "indptr",
                  fmt::format("decreases: indptr[{}] = {} is below indptr[{}] = {}", f + 1,
                              c.indptr[f + 1], f, c.indptr[f]));
    }
  }
  if (c.indptr.back() != count) {
    fail_member(source, "indptr",
                fmt::format("ends at {}, but data holds {} entries", c.indptr.back(), count));
  }
  c.indices = indices_of(npz.array("indices"), "indices", extent,
                         fmt::format("the matrix has {} {}", extent, index_name), source);
  if (c.indices.size() != count) {
    fail_member(source, "indices", fmt::format("has {} entries, data {}", c.indices.size(), count));
  }
  return c;
}

// A csr, csc or bsr matrix (`name`, its format member) of `dims`.
SparseTensor read_compressed(const Npz& npz, std::string_view name, std::vector<std::uint32_t> dims,
                             std::string_view source) {
  const bool bsr = name == "bsr";
  const std::uint32_t outer = name == "csc" ? 1 : 0;
  const NpyArray data = npz.array("data");
  expect_dimensions(data, bsr ? 3 : 1, source, "data");
  std::uint64_t block[2] = {1, 1};
  if (bsr) {
    block[0] = data.shape[1];
    block[1] = data.shape[2];
    if (block[0] == 0 || block[1] == 0 || dims[0] % block[0] != 0 || dims[1] % block[1] != 0) {
      fail_member(source, "data",
                  fmt::format("holds blocks of {}x{}, which do not tile the {}x{} matrix", block[0],
                              block[1], dims[0], dims[1]));
    }
  }
  const FormatSpec format =
      bsr ? parse_format(fmt::format("bcsr:{}x{}", block[0], block[1]), 2, source)
          : parse_format(name, 2, source);
  const std::uint64_t count = data.shape[0];
  if (count > kMaxEntries) {
    fail_member(source, "data",
                fmt::format("holds {} entries; tessera takes at most 2^32 - 2", count));
  }
  const char* const dim_names[2] = {bsr ? "block rows" : "rows", bsr ? "block columns" : "columns"};
  Compressed c = compressed_of(npz, dims[outer] / block[outer], dims[1 - outer] / block[1 - outer],
                               count, dim_names[outer], dim_names[1 - outer], source);
  Values values = values_of(data, source);
  const bool drop_unset = !bsr && values.type == ValueType::kPattern && !all_set(values);
  if (drop_unset || !c.sorted_unique()) {
    c.sum_duplicates(values, static_cast<std::size_t>(block[0] * block[1]), drop_unset);
  }
  SparseTensor t;
  t.dims = std::move(dims);
  t.format = format;
  t.value_type = values.type;
  t.levels.resize(format.levels.size());
  t.levels[0].size = c.indptr.size() - 1;
  t.levels[1].size = c.indices.size();
  t.levels[1].pos = std::move(c.indptr);
  t.levels[1].crd = std::move(c.indices);
  for (std::size_t l = 2; l < t.levels.size(); ++l) {
    t.levels[l].size = t.levels[l - 1].size * t.level_extent(l);
  }
  if (bsr || values.type != ValueType::kPattern) t.values = std::move(values.bytes);
  return t;
}

SparseTensor read_coo(const Npz& npz, std::vector<std::uint32_t> dims, std::string_view source) {
  const NpyArray data = npz.array("data");
  expect_dimensions(data, 1, source, "data");
  const std::uint64_t count = data.shape[0];
  NpyArray row, col;
  if (!npz.has("row") && npz.has("coords")) {  // what newer scipy writes for n-D coo
    const NpyArray coords = npz.array("coords");
    expect_dimensions(coords, 2, source, "coords");
    if (coords.shape[0] != 2) fail_member(source, "coords", "is not of shape (2, entries)");
    row = col = NpyArray{coords.dtype, {coords.shape[1]}, {}};
    const auto half = coords.data.begin() + static_cast<std::ptrdiff_t>(coords.data.size() / 2);
    row.data.assign(coords.data.begin(), half);
    col.data.assign(half, coords.data.end());
  } else {
    row = npz.array("row");
    col = npz.array("col");
  }
  std::vector<std::uint32_t> rows =
      indices_of(row, "row", dims[0], fmt::format("the matrix has {} rows", dims[0]), source);
  std::vector<std::uint32_t> cols =
      indices_of(col, "col", dims[1], fmt::format("the matrix has {} columns", dims[1]), source);
  if (rows.size() != count || cols.size() != count) {
    fail_member(source, "data",
                fmt::format("holds {} entries, but row has {} and col {}", count, rows.size(),
                            cols.size()));
  }
  Values values = values_of(data, source);
  if (values.type == ValueType::kPattern) {  // a stored False is an explicit zero: dropped
    std::size_t kept = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (values.bytes[k] == std::byte{0}) continue;
      rows[kept] = rows[k];
      cols[kept] = cols[k];
      ++kept;
    }
    rows.resize(kept);
    cols.resize(kept);
    values.bytes.clear();
  }
  return make_coo(std::move(dims), values.type, {std::move(rows), std::move(cols)},
                  std::move(values.bytes), source);
}

// How a matrix's format maps to scipy's.
enum class Layout { kCsr, kCsc, kCoo, kBsr };

Layout layout_of(const SparseTensor& m, std::string_view name) {
  const FormatSpec& f = m.format;
  if (m.order() == 2) {
    if (f.same_layout(parse_format("csr", 2))) return Layout::kCsr;
    if (f.same_layout(parse_format("csc", 2))) return Layout::kCsc;
    if (f.same_layout(parse_format("coo", 2)) || f.same_layout(parse_format("coo@col", 2))) {
      return Layout::kCoo;
    }
    if (f.levels.size() == 4 &&
        f.same_layout(parse_format(fmt::format("bcsr:{}x{}", f.block[0], f.block[1]), 2))) {
      if (m.dims[0] % f.block[0] != 0 || m.dims[1] % f.block[1] != 0) {
        throw Error(name, fmt::format("a {}x{} matrix in {} cannot be written as scipy's bsr, "
                                      "whose dimensions are multiples of the block size: convert "
                                      "it to another block size or to csr first",
                                      m.dims[0], m.dims[1], f.name));
      }
      return Layout::kBsr;
    }
  }
  throw Error(name, fmt::format("a tensor of order {} in {} ({}) is not a scipy.sparse format: "
                                "convert it to csr, csc, coo or bcsr:RxC first",
                                m.order(), f.name, f.describe()));
}

template <class T>
std::vector<std::byte> integer_bytes(std::span<const std::uint32_t> v) {
  std::vector<std::byte> out(v.size() * sizeof(T));
  for (std::size_t i = 0; i < v.size(); ++i) {
    const T x = static_cast<T>(v[i]);
    std::memcpy(out.data() + i * sizeof x, &x, sizeof x);
  }
  return out;
}

std::vector<std::byte> encode(const SparseTensor& m, std::string_view name) {
  const Layout layout = layout_of(m, name);
  std::vector<detail::ZipEntry> members;
  const auto add = [&](std::string_view key, NpyDtype dtype, std::vector<std::uint64_t> shape,
                       std::span<const std::byte> data) {
    members.push_back({fmt::format("{}.npy", key), detail::encode_npy_array(dtype, shape, data)});
  };
  // int32 indices while every index and offset fits, as scipy's get_index_dtype chooses.
  const std::uint64_t stored = m.levels[1].crd.size();
  const bool wide = std::max<std::uint64_t>({m.dims[0], m.dims[1], stored}) > kMaxInt32;
  const NpyDtype index_dtype{NpyKind::kSigned, wide ? std::size_t{8} : std::size_t{4}};
  const auto add_indices = [&](std::string_view key, std::span<const std::uint32_t> v) {
    add(key, index_dtype, {v.size()},
        wide ? integer_bytes<std::int64_t>(v) : integer_bytes<std::int32_t>(v));
  };
  std::string_view format_name;
  if (layout == Layout::kCoo) {
    const bool rows_first = m.format.levels[0].dimension == 0;
    add_indices("row", m.levels[rows_first ? 0 : 1].crd);
    add_indices("col", m.levels[rows_first ? 1 : 0].crd);
    format_name = "coo";
  } else {
    add_indices("indices", m.levels[1].crd);
    add_indices("indptr", m.levels[1].pos);
    format_name = layout == Layout::kCsr ? "csr" : layout == Layout::kCsc ? "csc" : "bsr";
  }
  add("format", {NpyKind::kBytes, format_name.size()}, {}, std::as_bytes(std::span(format_name)));
  add("shape", {NpyKind::kSigned, 8}, {2},
      integer_bytes<std::int64_t>(std::span<const std::uint32_t>(m.dims)));
  std::vector<std::uint64_t> data_shape = {stored};
  if (layout == Layout::kBsr) data_shape = {stored, m.format.block[0], m.format.block[1]};
  switch (m.value_type) {
    case ValueType::kF32:
      add("data", {NpyKind::kFloat, 4}, data_shape, m.values);
      break;
    case ValueType::kF64:
      add("data", {NpyKind::kFloat, 8}, data_shape, m.values);
      break;
    case ValueType::kC128:
      add("data", {NpyKind::kComplex, 16}, data_shape, m.values);
      break;
    case ValueType::kPattern: {
      // bsr keeps its flags (1 where an entry is); every other format's entries are all True.
      add("data", {NpyKind::kBool, 1}, data_shape,
          layout == Layout::kBsr ? m.values : std::vector<std::byte>(stored, std::byte{1}));
      break;
    }
  }
  return detail::write_zip(members, detail::ZipMethod::kDeflate, name);
}

}  // namespace

SparseTensor parse_npz(std::span<const std::byte> bytes, std::string_view source) {
  const Npz npz(bytes, source);
  const std::string name = detail::text_of(npz.array("format"), source, "format");
  std::vector<std::uint32_t> dims = indices_of(npz.array("shape"), "shape", std::uint64_t{1} << 32,
                                               "tessera's dimensions are below 2^32", source);
  if (dims.size() != 2) {
    fail_member(source, "shape",
                fmt::format("has {} dimensions; scipy.sparse matrices have 2", dims.size()));
  }
  if (name == "coo") return read_coo(npz, std::move(dims), source);
  if (name == "csr" || name == "csc" || name == "bsr") {
    return read_compressed(npz, name, std::move(dims), source);
  }
  fail_member(source, "format", fmt::format("'{}' is not supported (csr, csc, coo, bsr)", name));
}

SparseTensor read_npz(const std::filesystem::path& path) {
  return parse_npz(read_file(path), path.string());
}

std::vector<std::byte> encode_npz(const SparseTensor& matrix) { return encode(matrix, "npz"); }

void write_npz(const SparseTensor& matrix, const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = encode(matrix, path.string());
  write_file(path, bytes);
}

}  // namespace tessera::sparse
