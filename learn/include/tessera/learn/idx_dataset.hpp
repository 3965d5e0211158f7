// Labelled image sets in the IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed),
// and Fashion-MNIST itself as learn/data.json lists it (Debian's dataset-fashion-mnist).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/buffer.hpp"

namespace tessera::learn {

/// `count` images of rows × cols pixels scaled to [0, 1], row-major one after another, and their
/// labels.
struct ImageSet {
  std::size_t count = 0;
  std::size_t rows = 0;
  std::size_t cols = 0;
  AlignedBuffer<float> pixels;  // (count, rows·cols)
  std::vector<std::uint8_t> labels;

  std::size_t pixels_per_image() const { return rows * cols; }
};

/// The unsigned-byte IDX array in `bytes` (magic 0x0000080N, N dimensions, big-endian sizes):
/// its dimensions and values. Errors name `source`.
struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> values;
};
IdxArray parse_idx(std::span<const std::byte> bytes, const std::string& source);

/// Reads an images file (3-D IDX) and a labels file (1-D IDX), each raw or gzip-compressed; checks
/// that the counts agree and every label is below `classes`.
ImageSet read_idx_images(const std::filesystem::path& images, const std::filesystem::path& labels,
                         std::size_t classes = 10);

/// Fashion-MNIST's 60000 training or 10000 test images: the sets "fashion-mnist-train" and
/// "fashion-mnist-test" of learn/data.json. tessera::Error naming the missing file and how to get
/// it when they are absent.
ImageSet fashion_mnist(bool training);

/// Whether both sets are on this machine.
bool fashion_mnist_present();

}  // namespace tessera::learn
