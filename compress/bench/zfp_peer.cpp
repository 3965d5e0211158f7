// zfp's C API (zfp 1.0) driven for one field: fields are slowest-first here, fastest-first in zfp.
#include "zfp_peer.hpp"

#include <zfp.h>

#include <memory>

#include "tessera/core/error.hpp"

namespace tessera::compress::bench {

namespace {

struct FieldDeleter {
  void operator()(zfp_field* f) const { zfp_field_free(f); }
};
struct StreamDeleter {
  void operator()(zfp_stream* s) const { zfp_stream_close(s); }
};
struct BitstreamDeleter {
  void operator()(bitstream* s) const { stream_close(s); }
};

std::unique_ptr<zfp_field, FieldDeleter> zfp_view(const Field& field) {
  const zfp_type type = field.type == DataType::kFloat64 ? zfp_type_double : zfp_type_float;
  void* data = const_cast<std::byte*>(field.bytes.data());
  const auto& s = field.shape;  // slowest first; zfp wants nx (fastest) first
  switch (s.size()) {
    case 1:
      return {zfp_field_1d(data, type, s[0]), {}};
    case 2:
      return {zfp_field_2d(data, type, s[1], s[0]), {}};
    case 3:
      return {zfp_field_3d(data, type, s[2], s[1], s[0]), {}};
    default:
      return {zfp_field_4d(data, type, s[3], s[2], s[1], s[0]), {}};
  }
}

std::unique_ptr<zfp_stream, StreamDeleter> zfp_accuracy_stream(double tolerance) {
  std::unique_ptr<zfp_stream, StreamDeleter> zfp(zfp_stream_open(nullptr));
  zfp_stream_set_accuracy(zfp.get(), tolerance);
  return zfp;
}

}  // namespace

std::vector<unsigned char> zfp_compress(const Field& field, double tolerance) {
  const auto view = zfp_view(field);
  const auto zfp = zfp_accuracy_stream(tolerance);
  std::vector<unsigned char> buffer(zfp_stream_maximum_size(zfp.get(), view.get()));
  const std::unique_ptr<bitstream, BitstreamDeleter> bits(
      stream_open(buffer.data(), buffer.size()));
  zfp_stream_set_bit_stream(zfp.get(), bits.get());
  zfp_stream_rewind(zfp.get());
  const std::size_t size = zfp_compress(zfp.get(), view.get());
  if (size == 0) throw Error(field.name, "zfp_compress failed");
  buffer.resize(size);
  return buffer;
}

void zfp_decompress(std::vector<unsigned char>& stream, double tolerance, Field& out) {
  const auto view = zfp_view(out);
  const auto zfp = zfp_accuracy_stream(tolerance);
  const std::unique_ptr<bitstream, BitstreamDeleter> bits(
      stream_open(stream.data(), stream.size()));
  zfp_stream_set_bit_stream(zfp.get(), bits.get());
  zfp_stream_rewind(zfp.get());
  if (zfp_decompress(zfp.get(), view.get()) == 0) throw Error(out.name, "zfp_decompress failed");
}

}  // namespace tessera::compress::bench
