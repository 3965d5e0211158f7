// Unit tests of the SciPy .npz reader and writer: round trips of every format and value type,
// the members save_npz writes, archives built here as scipy writes them (non-canonical, bool,
// integer, Fortran-order, big-endian data) and every error the reader reports.
#include "tessera/sparse/scipy_npz.hpp"
#include "tessera/sparse/traversal.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "npy_array.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/sparse/validate.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"
#include "test_matrices.hpp"
#include "zip_archive.hpp"

namespace tessera::sparse {
namespace {

using tessera::testing::expect_error;

constexpr std::string_view kSource = "m.npz";

// One .npy member written here, independently of npy_array.cpp: any descr, order and bytes.
struct Member {
  std::string key;
  std::string descr;
  std::string shape;  // Python tuple text: "(5,)", "(2, 2, 3)", "()"
  std::vector<std::byte> data;
  bool fortran = false;
};

template <class T>
std::vector<std::byte> raw(const std::vector<T>& v) {
  std::vector<std::byte> out(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

template <class T>
Member member(std::string key, std::string descr, const std::vector<T>& values) {
  return {std::move(key), std::move(descr), "(" + std::to_string(values.size()) + ",)",
          raw(values)};
}

Member format_member(std::string_view name) {
  return {"format", "|S" + std::to_string(name.size()), "()",
          std::vector<std::byte>(reinterpret_cast<const std::byte*>(name.data()),
                                 reinterpret_cast<const std::byte*>(name.data() + name.size()))};
}

Member shape_member(std::int64_t rows, std::int64_t cols) {
  return member("shape", "<i8", std::vector<std::int64_t>{rows, cols});
}

std::vector<std::byte> npy(const Member& m) {
  const std::string descr = m.descr.starts_with('[') ? m.descr : "'" + m.descr + "'";
  const std::string header = "{'descr': " + descr +
                             ", 'fortran_order': " + (m.fortran ? "True" : "False") +
                             ", 'shape': " + m.shape + ", }\n";
  ByteWriter out("npy");
  out.put_bytes(std::as_bytes(std::span(std::string_view("\x93NUMPY"))));
  out.put(std::uint8_t{1});
  out.put(std::uint8_t{0});
  out.put(static_cast<std::uint16_t>(header.size()));
  out.put_bytes(std::as_bytes(std::span(header)));
  out.put_bytes(m.data);
  return out.release();
}

std::vector<std::byte> archive(const std::vector<Member>& members,
                               detail::ZipMethod method = detail::ZipMethod::kStored) {
  std::vector<detail::ZipEntry> entries;
  for (const Member& m : members) entries.push_back({m.key + ".npy", npy(m)});
  return detail::write_zip(entries, method, "test");
}

// `members` with the member of `m`'s key replaced by m (or m added).
std::vector<Member> with(std::vector<Member> members, Member m) {
  for (Member& old : members) {
    if (old.key == m.key) {
      old = std::move(m);
      return members;
    }
  }
  members.push_back(std::move(m));
  return members;
}

std::vector<Member> without(std::vector<Member> members, std::string_view key) {
  std::erase_if(members, [&](const Member& m) { return m.key == key; });
  return members;
}

// [[1 0 2 0]
//  [0 0 0 3]
//  [4 5 0 0]] as scipy's csr_matrix saves it.
std::vector<Member> csr_members() {
  return {member("indices", "<i4", std::vector<std::int32_t>{0, 2, 3, 0, 1}),
          member("indptr", "<i4", std::vector<std::int32_t>{0, 2, 3, 5}), format_member("csr"),
          shape_member(3, 4), member("data", "<f8", std::vector<double>{1, 2, 3, 4, 5})};
}

SparseTensor expected_csr() {
  return convert(make_coo({3, 4}, ValueType::kF64, {{0, 0, 1, 2, 2}, {0, 2, 3, 0, 1}},
                          raw(std::vector<double>{1, 2, 3, 4, 5})),
                 parse_format("csr", 2));
}

// A 4x6 bsr matrix of 2x3 blocks: block row 0 holds block column 1, block row 1 both.
std::vector<Member> bsr_members(std::vector<double> data) {
  Member d = member("data", "<f8", data);
  d.shape = "(3, 2, 3)";
  return {member("indices", "<i4", std::vector<std::int32_t>{1, 0, 1}),
          member("indptr", "<i4", std::vector<std::int32_t>{0, 1, 3}), format_member("bsr"),
          shape_member(4, 6), d};
}

std::vector<double> iota_values(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i + 1);
  return v;
}

SparseTensor parse(const std::vector<Member>& members) {
  SparseTensor t = parse_npz(archive(members), kSource);
  check_tensor(t, "parsed");
  return t;
}

void expect_parse_error(const std::vector<std::byte>& bytes, const std::string& says) {
  expect_error([&] { parse_npz(bytes, kSource); },
               {.input = std::string(kSource), .contains = says});
}

void expect_parse_error(const std::vector<Member>& members, const std::string& says) {
  expect_parse_error(archive(members), says);
}

// Every format scipy stores, for each generated matrix; bcsr takes 2x3 blocks where they tile it.
std::vector<FormatSpec> scipy_formats(const SparseTensor& m) {
  const bool tiles = m.dims[0] % 2 == 0 && m.dims[1] % 3 == 0;
  return {parse_format("csr", 2), parse_format("csc", 2), parse_format("coo", 2),
          parse_format(tiles ? "bcsr:2x3" : "bcsr:1x1", 2)};
}

TEST(NpzRoundTrip, EveryFormatAndValueType) {
  for (ValueType type : {ValueType::kF32, ValueType::kF64, ValueType::kC128, ValueType::kPattern}) {
    for (const auto& [name, coo] : testing::generated_matrices(type)) {
      for (const FormatSpec& format : scipy_formats(coo)) {
        SCOPED_TRACE(name + " " + format.name + " " + std::string(to_string(type)));
        // A repeated COO matrix stays repeated in coo: save_npz keeps coo entries as they are.
        const SparseTensor m = format.name == "coo" ? coo : convert(coo, format);
        const SparseTensor back = parse_npz(encode_npz(m), kSource);
        check_tensor(back, "back");
        EXPECT_EQ(back, m);
      }
    }
  }
}

TEST(NpzRoundTrip, ColumnOrderCooIsWrittenAsCoo) {
  const SparseTensor coo = testing::canonical(generate_uniform(9, 7, 20, 3));
  const SparseTensor by_columns = convert(coo, parse_format("coo@col", 2));
  EXPECT_EQ(testing::entries_of(parse_npz(encode_npz(by_columns), kSource)),
            testing::entries_of(coo));
}

TEST(NpzRoundTrip, ThroughFiles) {
  const tessera::testing::TempDir dir;
  const SparseTensor m = convert(generate_banded(12, 2, 4), parse_format("bcsr:3x2", 2));
  write_npz(m, dir / "m.npz");
  EXPECT_EQ(read_npz(dir / "m.npz"), m);
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"m.npz"});
}

TEST(NpzWrite, WritesTheMembersOfSaveNpz) {
  const std::vector<std::byte> bytes = encode_npz(expected_csr());
  const std::vector<detail::ZipEntry> entries = detail::read_zip(bytes, "written");
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"indices.npy", "indptr.npy", "format.npy", "shape.npy",
                                             "data.npy"}));
  const auto array = [&](std::size_t i) {
    return detail::parse_npy_array(entries[i].data, "written", entries[i].name);
  };
  using detail::NpyKind;
  EXPECT_EQ(array(0).dtype, (detail::NpyDtype{NpyKind::kSigned, 4}));
  EXPECT_EQ(array(1).data, raw(std::vector<std::int32_t>{0, 2, 3, 5}));
  EXPECT_EQ(detail::text_of(array(2), "written", "format"), "csr");
  EXPECT_EQ(array(2).shape, std::vector<std::uint64_t>{});
  EXPECT_EQ(array(3).data, raw(std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(array(4).dtype, (detail::NpyDtype{NpyKind::kFloat, 8}));
  // Deflated, as save_npz's default: the method field of the first local header.
  EXPECT_EQ(bytes[8], std::byte{8});
}

TEST(NpzWrite, PatternIsBoolTrue) {
  const SparseTensor m =
      convert(generate_banded(4, 1, 2, ValueType::kPattern), parse_format("csr", 2));
  const auto entries = detail::read_zip(encode_npz(m), "written");
  const auto data = detail::parse_npy_array(entries.back().data, "written", "data");
  EXPECT_EQ(data.dtype.kind, detail::NpyKind::kBool);
  EXPECT_EQ(data.data, std::vector<std::byte>(10, std::byte{1}));
}

TEST(NpzWrite, RefusesOtherFormats) {
  const SparseTensor coo = testing::canonical(generate_uniform(8, 6, 10, 1));
  expect_error([&] { encode_npz(convert(coo, parse_format("dcsr", 2))); },
               {.input = "npz", .contains = "convert it to csr, csc, coo or bcsr:RxC first"});
  expect_error([&] { encode_npz(convert(coo, parse_format("bcsr:3x3", 2))); },
               {.input = "npz", .contains = "multiples of the block size"});
  const SparseTensor cube =
      make_coo({2, 2, 2}, ValueType::kF64, {{0}, {1}, {1}}, raw(std::vector<double>{1}));
  expect_error([&] { encode_npz(cube); }, {.input = "npz", .contains = "order 3"});
}

TEST(NpzWrite, NoPartialFileOnError) {
  const tessera::testing::TempDir dir;
  const SparseTensor m =
      convert(testing::canonical(generate_uniform(8, 6, 10, 1)), parse_format("ell", 2));
  const std::string path = (dir / "m.npz").string();
  expect_error([&] { write_npz(m, path); }, {.input = path, .contains = "convert"});
  EXPECT_TRUE(dir.listing().empty());
}

TEST(NpzRead, StoredAndDeflatedArchives) {
  EXPECT_EQ(parse(csr_members()), expected_csr());
  EXPECT_EQ(parse_npz(archive(csr_members(), detail::ZipMethod::kDeflate), kSource),
            expected_csr());
}

TEST(NpzRead, IndexDtypesAndByteOrders) {
  auto members =
      with(csr_members(), member("indices", "<i8", std::vector<std::int64_t>{0, 2, 3, 0, 1}));
  members = with(members, member("indptr", "|u1", std::vector<std::uint8_t>{0, 2, 3, 5}));
  std::vector<std::byte> big = raw(std::vector<double>{1, 2, 3, 4, 5});
  for (std::size_t i = 0; i < big.size(); i += 8) {
    std::reverse(big.begin() + static_cast<std::ptrdiff_t>(i),
                 big.begin() + static_cast<std::ptrdiff_t>(i + 8));
  }
  const char order = std::endian::native == std::endian::little ? '>' : '<';
  members = with(members, {"data", std::string(1, order) + "f8", "(5,)", big});
  EXPECT_EQ(parse(members), expected_csr());
}

TEST(NpzRead, UnsortedAndRepeatedCsrIndices) {
  // Row 0 holds columns 2, 0, 2 (summed to 4 at column 2); row 2 holds columns 1, 0.
  const auto members = with(
      with(with(csr_members(), member("indices", "<i4", std::vector<std::int32_t>{2, 0, 2, 1, 0})),
           member("indptr", "<i4", std::vector<std::int32_t>{0, 3, 3, 5})),
      member("data", "<f8", std::vector<double>{1, 2, 3, 4, 5}));
  const SparseTensor t = parse(members);
  EXPECT_TRUE(t.canonical);
  EXPECT_EQ(t, convert(make_coo({3, 4}, ValueType::kF64, {{0, 0, 2, 2}, {0, 2, 0, 1}},
                                raw(std::vector<double>{2, 4, 5, 4})),
                       parse_format("csr", 2)));
}

TEST(NpzRead, CscKeepsItsFormat) {
  // The transpose of csr_members' arrays: indptr over the 3 columns of a 4x3 matrix.
  const auto members = with(with(csr_members(), format_member("csc")), shape_member(4, 3));
  const SparseTensor t = parse(members);
  EXPECT_EQ(t.format.name, "csc");
  EXPECT_EQ(t, convert(make_coo({4, 3}, ValueType::kF64, {{0, 2, 3, 0, 1}, {0, 0, 1, 2, 2}},
                                raw(std::vector<double>{1, 2, 3, 4, 5})),
                       parse_format("csc", 2)));
}

TEST(NpzRead, BsrBlocksAsScipyLaysThemOut) {
  const std::vector<double> values = iota_values(18);
  const SparseTensor t = parse(bsr_members(values));
  EXPECT_EQ(t.format.name, "bcsr:2x3");
  EXPECT_EQ(t.values, raw(values));
  // Block (0, 1) holds rows 0-1, columns 3-5: its first value is (0, 3).
  std::vector<std::vector<std::uint32_t>> coords(2);
  std::vector<double> expected;
  const std::uint32_t blocks[3][2] = {{0, 1}, {1, 0}, {1, 1}};
  for (std::size_t b = 0; b < 3; ++b) {
    for (std::uint32_t r = 0; r < 2; ++r) {
      for (std::uint32_t c = 0; c < 3; ++c) {
        coords[0].push_back(blocks[b][0] * 2 + r);
        coords[1].push_back(blocks[b][1] * 3 + c);
        expected.push_back(values[b * 6 + r * 3 + c]);
      }
    }
  }
  EXPECT_EQ(testing::entries_of(t),
            testing::entries_of(make_coo({4, 6}, ValueType::kF64, coords, raw(expected))));
}

TEST(NpzRead, BsrRepeatedBlocksAreSummed) {
  auto members = bsr_members(iota_values(18));
  members = with(members, member("indices", "<i4", std::vector<std::int32_t>{1, 1, 0}));
  members = with(members, member("indptr", "<i4", std::vector<std::int32_t>{0, 2, 3}));
  const SparseTensor t = parse(members);
  EXPECT_EQ(t.format.name, "bcsr:2x3");
  std::vector<double> expected(12);
  for (std::size_t i = 0; i < 6; ++i) expected[i] = static_cast<double>(i + 1 + i + 7);
  for (std::size_t i = 0; i < 6; ++i) expected[6 + i] = static_cast<double>(i + 13);
  EXPECT_EQ(t.values, raw(expected));
  EXPECT_EQ(t.levels[1].crd, (std::vector<std::uint32_t>{1, 0}));
}

TEST(NpzRead, FortranOrderBsrData) {
  const std::vector<double> values = iota_values(18);
  std::vector<double> fortran(18);  // element (b, r, c) at b + 3 * (r + 2 * c)
  for (std::size_t b = 0; b < 3; ++b) {
    for (std::size_t r = 0; r < 2; ++r) {
      for (std::size_t c = 0; c < 3; ++c) fortran[b + 3 * (r + 2 * c)] = values[b * 6 + r * 3 + c];
    }
  }
  Member data = member("data", "<f8", fortran);
  data.shape = "(3, 2, 3)";
  data.fortran = true;
  EXPECT_EQ(parse(with(bsr_members(values), data)), parse(bsr_members(values)));
}

TEST(NpzRead, CooKeepsRepeats) {
  const std::vector<Member> members = {member("row", "<i4", std::vector<std::int32_t>{2, 0, 2}),
                                       member("col", "<i4", std::vector<std::int32_t>{1, 3, 1}),
                                       format_member("coo"), shape_member(3, 4),
                                       member("data", "<f4", std::vector<float>{1, 2, 3})};
  const SparseTensor t = parse(members);
  EXPECT_EQ(t.format.name, "coo");
  EXPECT_FALSE(t.canonical);
  EXPECT_EQ(t.levels[0].crd, (std::vector<std::uint32_t>{2, 0, 2}));
  EXPECT_EQ(convert(t, parse_format("csr", 2)).values, raw(std::vector<float>{2, 4}));
  // Newer scipy writes coords, (2, entries), in place of row and col.
  Member coords = member("coords", "<i8", std::vector<std::int64_t>{2, 0, 2, 1, 3, 1});
  coords.shape = "(2, 3)";
  EXPECT_EQ(parse(with(without(without(members, "row"), "col"), coords)), t);
}

TEST(NpzRead, BoolDataIsPattern) {
  // A stored False is an explicit zero: dropped.
  const auto members =
      with(csr_members(), member("data", "|b1", std::vector<std::uint8_t>{1, 1, 0, 1, 1}));
  const SparseTensor t = parse(members);
  EXPECT_EQ(t.value_type, ValueType::kPattern);
  EXPECT_TRUE(t.values.empty());
  EXPECT_EQ(t.levels[1].crd, (std::vector<std::uint32_t>{0, 2, 0, 1}));
  // In bsr, False marks a position of a block without an entry.
  std::vector<std::uint8_t> flags(18, 1);
  flags[4] = 0;
  Member data = member("data", "|b1", flags);
  data.shape = "(3, 2, 3)";
  const SparseTensor b = parse(with(bsr_members({}), data));
  EXPECT_EQ(b.value_type, ValueType::kPattern);
  EXPECT_EQ(entry_count(b), 17u);
}

TEST(NpzRead, IntegerAndComplex64DataWidenExactly) {
  const auto ints =
      with(csr_members(), member("data", "<i8", std::vector<std::int64_t>{-1, 2, 1ll << 53, 4, 5}));
  EXPECT_EQ(parse(ints).values, raw(std::vector<double>{-1, 2, 9007199254740992.0, 4, 5}));
  const auto bytes =
      with(csr_members(), member("data", "|u1", std::vector<std::uint8_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(parse(bytes), expected_csr());
  Member complex64 = member("data", "<c8", std::vector<float>{1, -1, 2, 0, 3, 0, 4, 0, 5, 0.5f});
  complex64.shape = "(5,)";
  const auto c64 = with(csr_members(), complex64);
  EXPECT_EQ(parse(c64).values_as<Complex>()[0], Complex(1, -1));
  EXPECT_EQ(parse(c64).values_as<Complex>()[4], Complex(5, 0.5));
}

TEST(NpzRead, UnicodeFormatName) {
  std::vector<std::uint32_t> text = {'c', 's', 'r'};
  EXPECT_EQ(parse(with(csr_members(), {"format", "<U3", "()", raw(text)})), expected_csr());
}

TEST(NpzRead, EmptyMatrix) {
  const std::vector<Member> members = {member("indices", "<i4", std::vector<std::int32_t>{}),
                                       member("indptr", "<i4", std::vector<std::int32_t>{0}),
                                       format_member("csr"), shape_member(0, 0),
                                       member("data", "<f8", std::vector<double>{})};
  const SparseTensor t = parse(members);
  EXPECT_EQ(t.dims, (std::vector<std::uint32_t>{0, 0}));
  EXPECT_EQ(entry_count(t), 0u);
}

TEST(NpzErrors, NotAZipArchive) {
  expect_parse_error(std::vector<std::byte>(100, std::byte{7}), "not a ZIP archive");
  expect_parse_error(std::vector<std::byte>{}, "not a ZIP archive");
}

TEST(NpzErrors, EveryTruncationIsAnError) {
  for (detail::ZipMethod method : {detail::ZipMethod::kStored, detail::ZipMethod::kDeflate}) {
    const std::vector<std::byte> bytes = archive(csr_members(), method);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      SCOPED_TRACE(n);
      expect_error([&] { parse_npz(std::span(bytes).first(n), kSource); },
                   {.input = std::string(kSource)});
    }
  }
}

TEST(NpzErrors, CrcMismatch) {
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  GTEST_SKIP() << "fuzzing builds do not verify checksums";
#endif
  std::vector<std::byte> bytes = archive(csr_members());
  bytes[60] ^= std::byte{1};  // a byte of indices.npy's header
  expect_parse_error(bytes, "fails its CRC-32 check");
}

TEST(NpzErrors, CorruptDeflateStream) {
  std::vector<std::byte> bytes = archive(csr_members(), detail::ZipMethod::kDeflate);
  for (std::size_t i = 45; i < 60; ++i) bytes[i] = std::byte{0xFF};  // the first member's stream
  expect_error([&] { parse_npz(bytes, kSource); }, {.input = std::string(kSource)});
}

TEST(NpzErrors, UnknownCompressionMethodAndRepeatedMember) {
  std::vector<std::byte> bytes = archive(csr_members());
  // The method fields of the first local header (byte 8) and its central directory entry.
  const std::vector<std::byte> central = {std::byte{0x50}, std::byte{0x4b}, std::byte{1},
                                          std::byte{2}};
  const auto at = std::search(bytes.begin(), bytes.end(), central.begin(), central.end());
  ASSERT_NE(at, bytes.end());
  bytes[8] = at[10] = std::byte{12};
  expect_parse_error(bytes, "compression method 12");
  auto twice = csr_members();
  twice.push_back(twice[0]);
  expect_parse_error(twice, "member 'indices.npy' appears twice");
  const std::vector<detail::ZipEntry> one_key = {{"format.npy", npy(format_member("csr"))},
                                                 {"format", npy(format_member("csr"))}};
  expect_parse_error(detail::write_zip(one_key, detail::ZipMethod::kStored, "test"),
                     "has two members of key 'format'");
}

TEST(NpzErrors, MissingMembers) {
  expect_parse_error(without(csr_members(), "format"), "has no member 'format'");
  expect_parse_error(without(csr_members(), "indptr"), "has no member 'indptr'");
  expect_parse_error(without(csr_members(), "data"), "has no member 'data'");
  auto coo = with(csr_members(), format_member("coo"));
  expect_parse_error(coo, "has no member 'row'");
}

TEST(NpzErrors, UnsupportedFormatAndShape) {
  expect_parse_error(with(csr_members(), format_member("dia")), "'dia' is not supported");
  expect_parse_error(
      with(csr_members(), member("shape", "<i8", std::vector<std::int64_t>{3, 4, 1})),
      "scipy.sparse matrices have 2");
  expect_parse_error(with(csr_members(), shape_member(3, -4)), "shape[1] = -4 is out of range");
  expect_parse_error(with(csr_members(), member("format", "<i4", std::vector<std::int32_t>{1})),
                     "not a string");
}

TEST(NpzErrors, BadDtypes) {
  expect_parse_error(with(csr_members(), member("data", "<f2", std::vector<std::uint16_t>(5))),
                     "member 'data': is float16");
  expect_parse_error(with(csr_members(), member("indices", "<f8", std::vector<double>(5))),
                     "member 'indices': is float64, not an integer array");
  expect_parse_error(with(csr_members(), member("data", "|O8", std::vector<std::uint64_t>(5))),
                     "is not supported");
  expect_parse_error(
      with(csr_members(),
           member("data", "<i8", std::vector<std::int64_t>{1, 2, (1ll << 53) + 1, 4, 5})),
      "beyond 2^53");
  auto structured = csr_members();
  structured[4].descr = "[('a', '<f8')]";
  expect_parse_error(structured, "structured dtypes");
  auto unknown_key = csr_members();
  unknown_key[4].descr = "<f8', 'x': 'y";
  expect_parse_error(unknown_key, ".npy header has an unknown key 'x'");
}

TEST(NpzErrors, BadNpyMembers) {
  auto short_data = csr_members();
  short_data[4].data.resize(32);
  expect_parse_error(short_data,
                     "member 'data': holds 32 bytes of data; shape (5) of float64 needs 40");
  std::vector<detail::ZipEntry> entries = {{"format.npy", std::vector<std::byte>(20)}};
  expect_parse_error(detail::write_zip(entries, detail::ZipMethod::kStored, "test"), "bad magic");
  auto no_shape = csr_members();
  no_shape[0].shape = "3";
  expect_parse_error(no_shape, "expected '('");
}

TEST(NpzErrors, LengthsThatDisagree) {
  expect_parse_error(
      with(csr_members(), member("indices", "<i4", std::vector<std::int32_t>{0, 2, 3, 0})),
      "member 'indices': has 4 entries, data 5");
  expect_parse_error(
      with(csr_members(), member("indptr", "<i4", std::vector<std::int32_t>{0, 2, 5})),
      "member 'indptr': has 3 offsets; 3 rows need 4");
  expect_parse_error(
      with(csr_members(), member("indptr", "<i4", std::vector<std::int32_t>{0, 2, 3, 4})),
      "ends at 4, but data holds 5 entries");
  auto coo =
      std::vector<Member>{member("row", "<i4", std::vector<std::int32_t>{0, 1}),
                          member("col", "<i4", std::vector<std::int32_t>{0}), format_member("coo"),
                          shape_member(3, 4), member("data", "<f8", std::vector<double>{1, 2})};
  expect_parse_error(coo, "holds 2 entries, but row has 2 and col 1");
  auto blocks = bsr_members(iota_values(18));
  expect_parse_error(with(blocks, shape_member(5, 6)), "do not tile the 5x6 matrix");
}

TEST(NpzErrors, IndicesOutOfRange) {
  expect_parse_error(
      with(csr_members(), member("indices", "<i4", std::vector<std::int32_t>{0, 2, 4, 0, 1})),
      "indices[2] = 4 is out of range (the matrix has 4 columns)");
  expect_parse_error(
      with(csr_members(), member("indices", "<i4", std::vector<std::int32_t>{0, -1, 3, 0, 1})),
      "indices[1] = -1 is out of range");
  auto coo = std::vector<Member>{member("row", "<i4", std::vector<std::int32_t>{0, 3}),
                                 member("col", "<i4", std::vector<std::int32_t>{0, 1}),
                                 format_member("coo"), shape_member(3, 4),
                                 member("data", "<f8", std::vector<double>{1, 2})};
  expect_parse_error(coo, "row[1] = 3 is out of range (the matrix has 3 rows)");
}

TEST(NpzErrors, IndptrThatIsNotMonotone) {
  expect_parse_error(
      with(csr_members(), member("indptr", "<i4", std::vector<std::int32_t>{0, 3, 2, 5})),
      "member 'indptr': decreases: indptr[2] = 2 is below indptr[1] = 3");
  expect_parse_error(
      with(csr_members(), member("indptr", "<i4", std::vector<std::int32_t>{1, 2, 3, 5})),
      "member 'indptr': starts at 1, not 0");
}

}  // namespace
}  // namespace tessera::sparse
