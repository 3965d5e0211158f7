// IDX image sets: parsing, the checks that name the bad file, and the real Fashion-MNIST files of
// Debian's dataset-fashion-mnist (slow; skipped visibly when the package is absent).
#include "tessera/learn/idx_dataset.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::learn {
namespace {

using tessera::testing::expect_error;

std::vector<std::byte> idx(std::vector<std::uint32_t> dims, std::size_t values) {
  std::vector<std::byte> b{std::byte{0}, std::byte{0}, std::byte{8},
                           static_cast<std::byte>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift : {24, 16, 8, 0}) b.push_back(static_cast<std::byte>((d >> shift) & 0xFF));
  }
  for (std::size_t i = 0; i < values; ++i) b.push_back(static_cast<std::byte>(i % 7));
  return b;
}

TEST(Idx, ParsesDimensionsAndValues) {
  const IdxArray a = parse_idx(idx({2, 3, 4}, 24), "x.idx");
  EXPECT_EQ(a.dims, (std::vector<std::size_t>{2, 3, 4}));
  ASSERT_EQ(a.values.size(), 24u);
  EXPECT_EQ(a.values[8], 1);
}

TEST(Idx, BadFilesNameTheProblem) {
  const auto expect_bad = [](const std::vector<std::byte>& b, const std::string& fragment) {
    expect_error([&] { parse_idx(b, "x.idx"); }, {.input = "x.idx", .contains = fragment});
  };
  std::vector<std::byte> float_type = idx({4}, 4);
  float_type[2] = std::byte{0x0D};
  expect_bad(float_type, "magic");
  expect_bad(idx({2, 3}, 5), "need 6");
  expect_bad(idx({65536, 65536, 65536}, 4), "more values than");
  expect_bad(std::vector<std::byte>(3), "");
}

TEST(Idx, ImagesAndLabelsMustAgree) {
  const tessera::testing::TempDir dir;
  const auto images = dir / "images.idx", labels = dir / "labels.idx";
  write_file(images, idx({3, 2, 2}, 12));
  write_file(labels, idx({2}, 2));
  expect_error([&] { read_idx_images(images, labels); },
               {.input = labels.string(), .contains = "has 2 labels for 3 images"});
  write_file(labels, idx({3}, 3));
  const ImageSet set = read_idx_images(images, labels);
  EXPECT_EQ(set.count, 3u);
  EXPECT_FLOAT_EQ(set.pixels[1], 1.0f / 255.0f);
  expect_error([&] { read_idx_images(images, labels, 2); },
               {.input = labels.string(), .contains = "label 2 of image 2 is not below 2"});
}

TEST(SlowIdx, ReadsDebianFashionMnist) {
  if (!fashion_mnist_present()) {
    GTEST_SKIP() << "needs Fashion-MNIST (learn/data.json: Debian's dataset-fashion-mnist)";
  }
  const ImageSet test = fashion_mnist(false);
  EXPECT_EQ(test.count, 10000u);
  EXPECT_EQ(test.pixels_per_image(), 784u);
  std::array<std::size_t, 10> per_class{};
  for (std::uint8_t label : test.labels) ++per_class[label];
  for (std::size_t n : per_class) EXPECT_EQ(n, 1000u);  // the test set is balanced
}

}  // namespace
}  // namespace tessera::learn
