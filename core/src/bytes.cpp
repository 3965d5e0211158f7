// Varints, strings and the bounds checks of ByteWriter and ByteReader.
#include "tessera/core/bytes.hpp"

#include <fmt/format.h>

#include "tessera/core/error.hpp"

namespace tessera {

namespace {
constexpr std::uint64_t kVarintPayload = 0x7F;
constexpr std::uint64_t kVarintContinuation = 0x80;
}  // namespace

void ByteWriter::put_bytes(std::span<const std::byte> bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

void ByteWriter::put_varint_u64(std::uint64_t value) {
  while (value >= kVarintContinuation) {
    bytes_.push_back(static_cast<std::byte>((value & kVarintPayload) | kVarintContinuation));
    value >>= 7;
  }
  bytes_.push_back(static_cast<std::byte>(value));
}

void ByteWriter::put_varint_i64(std::int64_t value) {
  const auto bits = static_cast<std::uint64_t>(value);
  const std::uint64_t sign = value < 0 ? ~std::uint64_t{0} : 0;
  put_varint_u64((bits << 1) ^ sign);
}

void ByteWriter::put_string(std::string_view text) {
  put_varint_u64(text.size());
  put_bytes(std::as_bytes(std::span(text)));
}

void ByteWriter::check_patch(std::size_t offset, std::size_t size, std::string_view what) const {
  if (offset > bytes_.size() || size > bytes_.size() - offset) {
    throw Error(name_, fmt::format("cannot patch {} at byte {}: only {} bytes written", what,
                                   offset, bytes_.size()));
  }
}

void ByteReader::require(std::size_t at, std::size_t n, std::string_view what) const {
  const std::size_t left = bytes_.size() - at;
  if (n > left) {
    throw Error(source_, fmt::format("truncated at byte {} reading {} ({} bytes needed, {} left)",
                                     at, what, n, left));
  }
}

std::span<const std::byte> ByteReader::take(std::size_t n, std::string_view what) {
  require(position_, n, what);
  const auto bytes = bytes_.subspan(position_, n);
  position_ += n;
  return bytes;
}

ByteReader::Varint ByteReader::peek_varint() const {
  std::uint64_t value = 0;
  for (std::size_t i = 0;; ++i) {
    require(position_, i + 1, "varint");
    const auto byte = std::to_integer<std::uint64_t>(bytes_[position_ + i]);
    if (i == kMaxVarintBytes - 1 && byte > 1) {
      throw Error(source_, fmt::format("varint at byte {} {}", position_,
                                       byte >= kVarintContinuation ? "is longer than 10 bytes"
                                                                   : "overflows 64 bits"));
    }
    value |= (byte & kVarintPayload) << (7 * i);
    if (byte < kVarintContinuation) return {value, i + 1};
  }
}

std::uint64_t ByteReader::get_varint_u64() {
  const Varint varint = peek_varint();
  position_ += varint.size;
  return varint.value;
}

std::int64_t ByteReader::get_varint_i64() {
  const std::uint64_t bits = get_varint_u64();
  return static_cast<std::int64_t>((bits >> 1) ^ (std::uint64_t{0} - (bits & 1)));
}

std::string ByteReader::get_string(std::size_t max_length) {
  const Varint length = peek_varint();
  if (length.value > max_length) {
    throw Error(source_, fmt::format("string at byte {} is {} bytes long, over the limit of {}",
                                     position_, length.value, max_length));
  }
  const auto size = static_cast<std::size_t>(length.value);
  require(position_ + length.size, size, "string");
  const auto text = bytes_.subspan(position_ + length.size, size);
  position_ += length.size + size;
  return std::string(reinterpret_cast<const char*>(text.data()), text.size());
}

void ByteReader::expect_end() const {
  if (remaining() != 0) {
    throw Error(source_,
                fmt::format("{} unexpected trailing bytes at byte {}", remaining(), position_));
  }
}

}  // namespace tessera
