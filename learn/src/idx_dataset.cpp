// IDX parsing, gzip inflation (zlib) and Fashion-MNIST from the data manifest.
#include "tessera/learn/idx_dataset.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <limits>

#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/learn/data_manifest.hpp"

namespace tessera::learn {

namespace {

constexpr std::size_t kMaxInflated = std::size_t{1} << 31;  // far above any IDX set in use

// The file's bytes, inflated when they start with the gzip magic.
std::vector<std::byte> read_maybe_gzip(const std::filesystem::path& path) {
  std::vector<std::byte> raw = read_file(path);
  if (raw.size() < 2 || raw[0] != std::byte{0x1f} || raw[1] != std::byte{0x8b}) return raw;
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw Error(path.string(), "cannot start zlib");
  std::vector<std::byte> out;
  z.next_in = reinterpret_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (out.size() >= kMaxInflated) {
      inflateEnd(&z);
      throw Error(path.string(), "inflates to more than 2 GiB");
    }
    const std::size_t old = out.size();
    out.resize(old + (std::size_t{1} << 20));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    z.avail_out = static_cast<uInt>(out.size() - old);
    status = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&z);
      throw Error(path.string(),
                  fmt::format("corrupt gzip data ({})", z.msg ? z.msg : "truncated"));
    }
    if (status == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      throw Error(path.string(), "gzip data is truncated");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace

IdxArray parse_idx(std::span<const std::byte> bytes, const std::string& source) {
  ByteReader in(bytes, source);
  const auto zero = in.get<std::uint16_t>();
  const auto type = in.get<std::uint8_t>();
  const auto rank = in.get<std::uint8_t>();
  if (zero != 0 || type != 0x08) {
    throw Error(source, "is not an unsigned-byte IDX file (bad magic)");
  }
  if (rank == 0 || rank > 4) throw Error(source, fmt::format("IDX rank {} is not 1 to 4", rank));
  IdxArray array;
  std::size_t count = 1;
  for (std::uint8_t d = 0; d < rank; ++d) {
    const auto raw = in.get_bytes(4);
    const std::size_t dim = (std::to_integer<std::size_t>(raw[0]) << 24) |
                            (std::to_integer<std::size_t>(raw[1]) << 16) |
                            (std::to_integer<std::size_t>(raw[2]) << 8) |
                            std::to_integer<std::size_t>(raw[3]);
    array.dims.push_back(dim);
    count *= dim;  // below 2^128 in theory: checked against the bytes present next
    if (count > bytes.size()) {
      throw Error(source, fmt::format("IDX dimensions need more values than the file's {} bytes",
                                      bytes.size()));
    }
  }
  if (in.remaining() != count) {
    throw Error(source,
                fmt::format("IDX holds {} values, its dimensions need {}", in.remaining(), count));
  }
  const auto values = in.get_bytes(count);
  array.values.resize(count);
  for (std::size_t i = 0; i < count; ++i)
    array.values[i] = std::to_integer<std::uint8_t>(values[i]);
  return array;
}

ImageSet read_idx_images(const std::filesystem::path& images, const std::filesystem::path& labels,
                         std::size_t classes) {
  const IdxArray x = parse_idx(read_maybe_gzip(images), images.string());
  const IdxArray y = parse_idx(read_maybe_gzip(labels), labels.string());
  if (x.dims.size() != 3) throw Error(images.string(), "is not a 3-D IDX image array");
  if (y.dims.size() != 1) throw Error(labels.string(), "is not a 1-D IDX label array");
  if (x.dims[0] != y.dims[0]) {
    throw Error(labels.string(), fmt::format("has {} labels for {} images in {}", y.dims[0],
                                             x.dims[0], images.string()));
  }
  ImageSet set;
  set.count = x.dims[0];
  set.rows = x.dims[1];
  set.cols = x.dims[2];
  set.pixels = AlignedBuffer<float>(x.values.size());
  for (std::size_t i = 0; i < x.values.size(); ++i) set.pixels[i] = x.values[i] / 255.0f;
  for (std::size_t i = 0; i < y.values.size(); ++i) {
    if (y.values[i] >= classes) {
      throw Error(labels.string(),
                  fmt::format("label {} of image {} is not below {}", y.values[i], i, classes));
    }
  }
  set.labels = y.values;
  return set;
}

namespace {

// The images and labels of the manifest's set "fashion-mnist-train" or "fashion-mnist-test".
std::vector<DataInput> fashion_mnist_files(bool training) {
  return data_manifest().set(training ? "fashion-mnist-train" : "fashion-mnist-test");
}

}  // namespace

bool fashion_mnist_present() {
  for (bool training : {true, false}) {
    for (const DataInput& input : fashion_mnist_files(training)) {
      if (!input.present) return false;
    }
  }
  return true;
}

ImageSet fashion_mnist(bool training) {
  const std::vector<DataInput> files = fashion_mnist_files(training);
  for (const DataInput& input : files) {
    if (!input.present) throw Error(input.id, input.missing_reason);
  }
  return read_idx_images(files.at(0).path, files.at(1).path);
}

}  // namespace tessera::learn
