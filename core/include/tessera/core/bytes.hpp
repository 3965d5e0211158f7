// Byte-level encoding for on-disk formats: a writer that appends little-endian scalars, varints and
// strings, and a bounds-checked reader whose every failure names the source and the byte offset.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tessera {

/// Types with a fixed-width little-endian encoding: integers other than bool, float and double.
template <typename T>
concept Scalar = (std::is_integral_v<T> && !std::is_same_v<T, bool>) || std::is_same_v<T, float> ||
                 std::is_same_v<T, double>;

static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559);
static_assert(std::endian::native == std::endian::little ||
              std::endian::native == std::endian::big);

/// Short name of a scalar type as used in error messages: "u8".."u64", "i8".."i64", "f32", "f64".
template <Scalar T>
constexpr std::string_view scalar_name() {
  constexpr std::array<std::string_view, 4> kUnsigned = {"u8", "u16", "u32", "u64"};
  constexpr std::array<std::string_view, 4> kSigned = {"i8", "i16", "i32", "i64"};
  if constexpr (std::is_floating_point_v<T>) {
    return sizeof(T) == 4 ? "f32" : "f64";
  } else {
    constexpr int kLog2Size = std::countr_zero(sizeof(T));
    return std::is_signed_v<T> ? kSigned[kLog2Size] : kUnsigned[kLog2Size];
  }
}

/// The sizeof(T) little-endian bytes of `value` (IEEE-754 bits for float/double), on any host.
template <Scalar T>
constexpr std::array<std::byte, sizeof(T)> to_little_endian(T value) {
  auto bytes = std::bit_cast<std::array<std::byte, sizeof(T)>>(value);
  if constexpr (std::endian::native == std::endian::big) std::ranges::reverse(bytes);
  return bytes;
}

/// The value whose little-endian encoding is `bytes`; inverse of to_little_endian.
template <Scalar T>
constexpr T from_little_endian(std::span<const std::byte, sizeof(T)> bytes) {
  std::array<std::byte, sizeof(T)> copy;
  std::ranges::copy(bytes, copy.begin());
  if constexpr (std::endian::native == std::endian::big) std::ranges::reverse(copy);
  return std::bit_cast<T>(copy);
}

/// Longest unsigned LEB128 varint of a 64-bit value, in bytes.
inline constexpr std::size_t kMaxVarintBytes = 10;

/// Appends encoded values to a byte buffer it owns. `name` labels the output in errors.
class ByteWriter {
 public:
  explicit ByteWriter(std::string name = "output") : name_(std::move(name)) {}

  /// Appends `value` as sizeof(T) little-endian bytes.
  template <Scalar T>
  void put(T value) {
    const auto bytes = to_little_endian(value);
    // resize + copy rather than insert: GCC 12 warns falsely (-Wstringop-overflow) on inserting
    // a fixed-size array into an empty vector at -O3.
    const std::size_t old_size = bytes_.size();
    bytes_.resize(old_size + bytes.size());
    std::ranges::copy(bytes, bytes_.begin() + static_cast<std::ptrdiff_t>(old_size));
  }
  /// Appends `bytes` verbatim.
  void put_bytes(std::span<const std::byte> bytes);
  /// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
  void put_varint_u64(std::uint64_t value);
  /// Appends `value` zigzag-encoded as a varint (small magnitudes of either sign stay short).
  void put_varint_i64(std::int64_t value);
  /// Appends the byte length of `text` as a varint, then its bytes.
  void put_string(std::string_view text);

  /// Overwrites the sizeof(T) bytes at byte `offset` (written earlier) with `value`, little-endian;
  /// for lengths and checksums known only later. Throws Error if the bytes were not written yet.
  template <Scalar T>
  void patch(std::size_t offset, T value) {
    check_patch(offset, sizeof(T), scalar_name<T>());
    std::ranges::copy(to_little_endian(value),
                      bytes_.begin() + static_cast<std::ptrdiff_t>(offset));
  }

  /// Makes room for `total` bytes in all, so that writing up to that many reallocates nothing.
  void reserve(std::size_t total) { bytes_.reserve(total); }
  /// Bytes written so far, i.e. the offset the next value is written at.
  std::size_t position() const noexcept { return bytes_.size(); }
  /// The bytes written so far; valid until the next put, patch or release.
  std::span<const std::byte> bytes() const noexcept { return bytes_; }
  /// Moves the buffer out, leaving the writer empty.
  std::vector<std::byte> release() noexcept { return std::exchange(bytes_, {}); }
  /// Name of the output, as used in error messages.
  const std::string& name() const noexcept { return name_; }

 private:
  void check_patch(std::size_t offset, std::size_t size, std::string_view what) const;

  std::string name_;
  std::vector<std::byte> bytes_;
};

/// Reads encoded values from a borrowed byte span (which must outlive the reader). `source` names
/// the input in errors; every read checks bounds and throws tessera::Error naming the source, the
/// byte offset and the problem. A failed read leaves the position unchanged.
class ByteReader {
 public:
  ByteReader(std::span<const std::byte> bytes, std::string source)
      : bytes_(bytes), source_(std::move(source)) {}

  /// Reads sizeof(T) little-endian bytes as a T.
  template <Scalar T>
  T get() {
    return from_little_endian<T>(take(sizeof(T), scalar_name<T>()).template first<sizeof(T)>());
  }
  /// Reads an unsigned LEB128 varint; rejects more than 10 bytes or a value above 2^64 - 1.
  std::uint64_t get_varint_u64();
  /// Reads a zigzag-encoded varint written by ByteWriter::put_varint_i64.
  std::int64_t get_varint_i64();
  /// The next `n` bytes as a view into the input (no copy).
  std::span<const std::byte> get_bytes(std::size_t n) { return take(n, "bytes"); }
  /// Reads a varint byte length and that many bytes; throws if the length exceeds `max_length`.
  std::string get_string(std::size_t max_length);
  /// Advances past `n` bytes.
  void skip(std::size_t n) { take(n, "skipped bytes"); }
  /// Throws unless every byte has been read.
  void expect_end() const;

  /// Offset in bytes of the next read from the start of the input.
  std::size_t position() const noexcept { return position_; }
  /// Bytes not read yet.
  std::size_t remaining() const noexcept { return bytes_.size() - position_; }
  /// Name of the input, as used in error messages.
  const std::string& source() const noexcept { return source_; }

 private:
  /// A varint's value and its encoded size in bytes.
  struct Varint {
    std::uint64_t value;
    std::size_t size;
  };

  /// Throws unless `n` bytes are available at byte `at`; `what` names the value read, for errors.
  void require(std::size_t at, std::size_t n, std::string_view what) const;
  /// The next `n` bytes, advancing past them.
  std::span<const std::byte> take(std::size_t n, std::string_view what);
  /// Decodes the varint at the current position without advancing.
  Varint peek_varint() const;

  std::span<const std::byte> bytes_;
  std::string source_;
  std::size_t position_ = 0;
};

}  // namespace tessera
