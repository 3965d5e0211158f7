// The .tsp container: every format round-trips byte for byte, and corrupt, truncated or
// inconsistent files fail with a message naming the file.
#include <gtest/gtest.h>

#include "tessera/sparse/tsp_format.hpp"
#include "tessera/sparse/validate.hpp"
#include "tessera/testing/expect_error.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

using tessera::testing::expect_error;

TEST(TspFormat, EveryFormatRoundTrips) {
  for (const ValueType type : {ValueType::kF32, ValueType::kC128, ValueType::kPattern}) {
    for (const testing::NamedMatrix& m : testing::generated_matrices(type)) {
      for (const FormatSpec& f : all_formats(2, 2, 5)) {
        SparseTensor t;
        try {
          t = convert(m.coo, f, {.max_bytes = 1 << 20});
        } catch (const Error&) {
          continue;  // hypersparse in dense formats
        }
        const std::vector<std::byte> bytes = encode_tsp(t);
        EXPECT_TRUE(decode_tsp(bytes, "t.tsp") == t) << m.name << " in " << f.name;
      }
    }
  }
  // A non-canonical COO tensor keeps its order and repeats.
  const SparseTensor coo = generate_uniform(5, 5, 40, 2);
  EXPECT_TRUE(decode_tsp(encode_tsp(coo), "coo.tsp") == coo);
}

TEST(TspFormat, CorruptFilesFail) {
  const SparseTensor t = convert(generate_uniform(30, 20, 100, 3), parse_format("csr", 2));
  std::vector<std::byte> bytes = encode_tsp(t);
  expect_error([&] { decode_tsp(std::span(bytes).first(bytes.size() - 1), "t.tsp"); },
               {.input = "t.tsp", .contains = "checksum mismatch"});
  expect_error([&] { decode_tsp(std::span(bytes).first(5), "t.tsp"); },
               {.input = "t.tsp", .contains = "not a .tsp file"});
  bytes[bytes.size() / 2] ^= std::byte{0x40};
  expect_error([&] { decode_tsp(bytes, "t.tsp"); }, {.input = "t.tsp", .contains = "checksum"});
}

TEST(TspFormat, InconsistentTensorsAreRefused) {
  const SparseTensor good = convert(generate_uniform(30, 20, 100, 3), parse_format("csr", 2));
  const auto refused = [&](auto&& damage, const char* says) {
    SparseTensor t = good;
    damage(t);
    expect_error([&] { check_tensor(t, "t"); }, {.input = "t", .contains = says});
  };
  refused([](SparseTensor& t) { t.levels[1].crd[3] = 20; }, "outside 0..19");
  refused([](SparseTensor& t) { t.levels[1].pos[5] = t.levels[1].pos[6] + 1; }, "offsets decrease");
  refused([](SparseTensor& t) { t.levels[1].pos.pop_back(); }, "offsets");
  refused([](SparseTensor& t) { t.values.pop_back(); }, "value bytes");
  refused([](SparseTensor& t) { std::swap(t.levels[1].crd[0], t.levels[1].crd[1]); }, "strictly increasing");
  refused([](SparseTensor& t) { t.canonical = false; }, "only a COO tensor");

  const SparseTensor rlc = convert(good, parse_format("rlc:3", 2));
  SparseTensor t = rlc;
  t.levels[1].symbols -= 1;
  expect_error([&] { check_tensor(t, "r"); }, {.input = "r"});
  const SparseTensor bitmap = convert(good, parse_format("bitmap", 2));
  t = bitmap;
  t.levels[1].bits[0] ^= 1;
  expect_error([&] { check_tensor(t, "b"); }, {.input = "b", .contains = "bits set"});
  const SparseTensor ell = convert(good, parse_format("ell", 2));
  t = ell;
  t.levels[1].crd[0] = kNoCoordinate;
  expect_error([&] { check_tensor(t, "e"); }, {.input = "e", .contains = "coordinates come first"});
  const SparseTensor bcsr = convert(good, parse_format("bcsr:4x3", 2));
  t = bcsr;
  t.values.back() = std::byte{1};  // rows 28..31 of a 30-row matrix: outside it
  expect_error([&] { check_tensor(t, "k"); }, {.input = "k"});
}

}  // namespace
}  // namespace tessera::sparse
