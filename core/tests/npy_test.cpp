// .npy files: round trips of every rank, the exact header numpy writes, and bad files failing with
// an error that names the file and the problem.
#include "tessera/core/npy.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera {
namespace {

using testing::expect_error;

std::vector<std::byte> bytes_of(std::string_view text) {
  const auto b = std::as_bytes(std::span(text));
  return {b.begin(), b.end()};
}

// A .npy file with the given header dict and data bytes, laid out as numpy 1.x writes it.
std::vector<std::byte> npy_with_header(std::string dict, std::size_t data_bytes) {
  std::string header = dict;
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header.push_back('\n');
  std::string file = "\x93NUMPY";
  file += '\x01';
  file += '\x00';
  file += static_cast<char>(header.size() & 0xFF);
  file += static_cast<char>(header.size() >> 8);
  file += header;
  file.append(data_bytes, '\0');
  return bytes_of(file);
}

TEST(Npy, RoundTripsEveryRank) {
  for (const std::vector<std::size_t>& shape :
       std::vector<std::vector<std::size_t>>{{}, {5}, {3, 4}, {2, 3, 4}, {0, 7}}) {
    std::size_t count = 1;
    for (std::size_t d : shape) count *= d;
    std::vector<float> values(count);
    for (std::size_t i = 0; i < count; ++i) values[i] = static_cast<float>(i) * 0.5f - 1.0f;
    const std::vector<std::byte> bytes = encode_npy(shape, values);
    EXPECT_EQ(bytes.size() % 64, (count * 4) % 64);  // data starts on a 64-byte boundary
    const NpyArray back = parse_npy(bytes, "w.npy");
    EXPECT_EQ(back.shape, shape);
    ASSERT_EQ(back.values.size(), count);
    for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(back.values[i], values[i]);
  }
}

TEST(Npy, WritesTheHeaderNumpyWrites) {
  const std::vector<std::size_t> shape{2, 3};
  const std::vector<std::byte> ours = encode_npy(shape, std::vector<float>(6, 0.0f));
  EXPECT_EQ(ours,
            npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24));
  const std::vector<std::size_t> one{4};
  EXPECT_EQ(encode_npy(one, std::vector<float>(4, 0.0f)),
            npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 16));
}

TEST(Npy, BadFilesNameTheProblem) {
  expect_error([&] { (void)parse_npy(bytes_of("PK\x03\x04 not numpy"), "w.npy"); },
               {.input = "w.npy", .contains = "magic"});
  expect_error(
      [&] {
        (void)parse_npy(
            npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16),
            "w.npy");
      },
      {.input = "w.npy", .contains = "float32"});
  expect_error(
      [&] {
        (void)parse_npy(
            npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16),
            "w.npy");
      },
      {.input = "w.npy", .contains = "Fortran"});
  expect_error(
      [&] {
        (void)parse_npy(
            npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8),
            "w.npy");
      },
      {.input = "w.npy", .contains = "needs 12"});
  expect_error(
      [&] {
        (void)parse_npy(
            npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", 12),
            "w.npy");
      },
      {.input = "w.npy", .contains = "tuple"});
  expect_error(
      [&] {
        (void)parse_npy(npy_with_header("{'descr': '<f4', 'fortran_order': False, }", 12), "w.npy");
      },
      {.input = "w.npy", .contains = "shape"});
  expect_error(
      [&] {
        (void)parse_npy(
            npy_with_header(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", 0),
            "w.npy");
      },
      {.input = "w.npy", .contains = "too large"});
  std::vector<std::byte> truncated = encode_npy(std::vector<std::size_t>{8}, std::vector<float>(8));
  truncated.resize(20);
  EXPECT_THROW(parse_npy(truncated, "w.npy"), Error);
}

TEST(Npy, FilesRoundTrip) {
  const testing::TempDir dir;
  const std::filesystem::path path = dir / "w.npy";
  const std::vector<std::size_t> shape{2, 2};
  write_npy(path, shape, std::vector<float>{1, 2, 3, 4});
  EXPECT_EQ(read_npy(path).values[3], 4.0f);
  std::filesystem::remove(path);
  EXPECT_THROW(read_npy(path), Error);
}

}  // namespace
}  // namespace tessera
