// .npy parsing and writing: the magic, the version, the header length, the Python-literal header
// dict ('descr', 'fortran_order', 'shape') and the raw little-endian data.
#include "tessera/core/npy.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kAlignment = 64;  // header padded so the data starts on this boundary

// The text right after `'key':` in the header dict, trimmed of leading spaces.
std::string_view value_of(std::string_view header, std::string_view key,
                          const std::string& source) {
  const std::string quoted = fmt::format("'{}':", key);
  const std::size_t at = header.find(quoted);
  if (at == std::string_view::npos) {
    throw Error(source, fmt::format(".npy header has no '{}' entry", key));
  }
  std::string_view rest = header.substr(at + quoted.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

std::vector<std::size_t> parse_shape(std::string_view text, const std::string& source) {
  if (text.empty() || text.front() != '(') throw Error(source, ".npy shape is not a tuple");
  const std::size_t close = text.find(')');
  if (close == std::string_view::npos) throw Error(source, ".npy shape tuple is not closed");
  std::string_view items = text.substr(1, close - 1);
  std::vector<std::size_t> shape;
  while (!items.empty()) {
    while (!items.empty() && (items.front() == ' ' || items.front() == ',')) items.remove_prefix(1);
    if (items.empty()) break;
    std::size_t value = 0;
    std::size_t digits = 0;
    while (digits < items.size() && items[digits] >= '0' && items[digits] <= '9') {
      if (value > (std::numeric_limits<std::size_t>::max() - 9) / 10) {
        throw Error(source, ".npy shape has a dimension too large");
      }
      value = value * 10 + static_cast<std::size_t>(items[digits] - '0');
      ++digits;
    }
    if (digits == 0)
      throw Error(source,
                  fmt::format(".npy shape has a bad entry in '{}'", text.substr(0, close + 1)));
    shape.push_back(value);
    items.remove_prefix(digits);
  }
  return shape;
}

}  // namespace

NpyArray parse_npy(std::span<const std::byte> bytes, const std::string& source) {
  ByteReader in(bytes, source);
  const auto magic = in.get_bytes(kMagic.size());
  if (std::memcmp(magic.data(), kMagic.data(), kMagic.size()) != 0) {
    throw Error(source, "is not a .npy file (bad magic)");
  }
  const auto major = in.get<std::uint8_t>();
  in.skip(1);  // minor version
  if (major < 1 || major > 3) {
    throw Error(source, fmt::format(".npy version {} is not supported (1 to 3)", major));
  }
  const std::size_t header_length = major == 1 ? in.get<std::uint16_t>() : in.get<std::uint32_t>();
  const auto header_bytes = in.get_bytes(header_length);
  const std::string_view header(reinterpret_cast<const char*>(header_bytes.data()),
                                header_bytes.size());

  const std::string_view descr = value_of(header, "descr", source);
  if (!descr.starts_with("'<f4'")) {
    throw Error(source, fmt::format(".npy dtype {} is not little-endian float32 ('<f4'); convert "
                                    "with numpy: a.astype('<f4')",
                                    descr.substr(0, descr.find_first_of(",}"))));
  }
  if (!value_of(header, "fortran_order", source).starts_with("False")) {
    throw Error(source,
                ".npy array is in Fortran order; save it in C order (np.ascontiguousarray)");
  }
  NpyArray array;
  array.shape = parse_shape(value_of(header, "shape", source), source);
  std::size_t count = 1;
  for (std::size_t d : array.shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / sizeof(float) / d) {
      throw Error(source, ".npy shape is too large");
    }
    count *= d;
  }
  if (in.remaining() != count * sizeof(float)) {
    throw Error(source, fmt::format(".npy holds {} bytes of data, its shape needs {}",
                                    in.remaining(), count * sizeof(float)));
  }
  array.values = AlignedBuffer<float>(count);
  for (std::size_t i = 0; i < count; ++i) array.values[i] = in.get<float>();
  return array;
}

NpyArray read_npy(const std::filesystem::path& path) {
  return parse_npy(read_file(path), path.string());
}

std::vector<std::byte> encode_npy(std::span<const std::size_t> shape,
                                  std::span<const float> values) {
  std::size_t count = 1;
  for (std::size_t d : shape) count *= d;
  if (count != values.size()) {
    throw usage_error("npy", fmt::format("shape holds {} values, {} given", count, values.size()));
  }
  std::string dims;
  for (std::size_t d : shape) dims += fmt::format("{}, ", d);
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // (3, 4) but (3,)
  if (shape.size() == 1) dims.pop_back();
  std::string header =
      fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims);
  const std::size_t prefix = kMagic.size() + 2 + sizeof(std::uint16_t);
  header.append(kAlignment - (prefix + header.size() + 1) % kAlignment, ' ');
  header.push_back('\n');
  ByteWriter out("npy");
  out.put_bytes(std::as_bytes(std::span(kMagic)));
  out.put(std::uint8_t{1});
  out.put(std::uint8_t{0});
  out.put(static_cast<std::uint16_t>(header.size()));
  out.put_bytes(std::as_bytes(std::span(header)));
  out.reserve(out.position() + values.size_bytes());
  for (float v : values) out.put(v);
  return out.release();
}

void write_npy(const std::filesystem::path& path, std::span<const std::size_t> shape,
               std::span<const float> values) {
  write_file(path, encode_npy(shape, values));
}

}  // namespace tessera
