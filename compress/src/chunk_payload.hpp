// The layout of one chunk payload (format.hpp) in one template that both writes it and counts
// it, so that the sizes the codebook choice and the fixed-ratio search compare are the bytes
// encode_chunk writes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "slab_quantizer.hpp"

namespace tessera::compress {

/// Counts the bytes that the same put_* calls on a ByteWriter would append.
class ByteCounter {
 public:
  void put_varint_u64(std::uint64_t value) {
    bytes_ += value == 0 ? 1 : (static_cast<std::size_t>(std::bit_width(value)) + 6) / 7;
  }
  void put_bytes(std::span<const std::byte> bytes) { bytes_ += bytes.size(); }
  std::size_t position() const { return bytes_; }

 private:
  std::size_t bytes_ = 0;
};

/// Bytes of a bitstream of `bits` Huffman bits.
inline std::uint64_t bitstream_bytes(std::uint64_t bits) { return (bits + 7) / 8; }

/// Puts a chunk payload up to its bitstream into `out` (a ByteWriter or a ByteCounter): the
/// codebook `header` (source byte and what follows it), then the body: outlier count, outlier
/// bytes, outlier records and the bitstream's length. Returns the position where the body (the
/// part zstd may compress) starts.
template <class Out>
std::size_t put_payload_prefix(Out& out, std::span<const std::byte> header,
                               const QuantizedSlab& slab, std::uint64_t bitstream) {
  out.put_bytes(header);
  const std::size_t body = out.position();
  out.put_varint_u64(slab.outlier_count);
  out.put_varint_u64(slab.outliers.size());
  out.put_bytes(slab.outliers);
  out.put_varint_u64(bitstream);
  return body;
}

/// The payload size before zstd of `slab` coded in `bits` bits under the code `header` names.
inline std::uint64_t payload_bytes(std::span<const std::byte> header, const QuantizedSlab& slab,
                                   std::uint64_t bits) {
  ByteCounter count;
  put_payload_prefix(count, header, slab, bitstream_bytes(bits));
  return count.position() + bitstream_bytes(bits);
}

}  // namespace tessera::compress
