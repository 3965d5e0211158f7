// The .tsp container (tsp_format.hpp).
#include "tessera/sparse/tsp_format.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "tessera/core/bytes.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/sparse/validate.hpp"

namespace tessera::sparse {
namespace {

constexpr std::array<char, 8> kMagic = {'T', 'S', 'P', 'A', 'R', 'S', 'E', '\0'};
constexpr std::uint16_t kVersion = 1;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
constexpr bool kVerifyChecksum = false;  // let the fuzzer reach the parser behind the checksum
#else
constexpr bool kVerifyChecksum = true;
#endif

template <class T>
void put_array(ByteWriter& out, const std::vector<T>& a) {
  out.put_varint_u64(a.size());
  for (const T& v : a) out.put(v);
}

template <class T>
std::vector<T> get_array(ByteReader& in, std::string_view what) {
  const std::uint64_t n = in.get_varint_u64();
  if (n > in.remaining() / sizeof(T)) {
    throw Error(in.source(), fmt::format("{} declares {} elements, more than the file holds", what, n));
  }
  std::vector<T> a(n);
  for (T& v : a) v = in.get<T>();
  return a;
}

}  // namespace

bool is_tsp(std::span<const std::byte> bytes) {
  return bytes.size() >= kMagic.size() && std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) == 0;
}

std::vector<std::byte> encode_tsp(const SparseTensor& t) {
  ByteWriter out("tsp");
  out.put_bytes(std::as_bytes(std::span(kMagic)));
  out.put(kVersion);
  out.put_string(t.format.name);
  out.put(static_cast<std::uint8_t>(t.value_type));
  out.put(static_cast<std::uint8_t>(t.canonical ? 1 : 0));
  put_array(out, t.dims);
  for (const LevelData& d : t.levels) {
    out.put_varint_u64(d.size);
    out.put_varint_u64(d.symbols);
    out.put(d.width);
    put_array(out, d.pos);
    put_array(out, d.crd);
    put_array(out, d.bits);
  }
  out.put_varint_u64(t.values.size());
  out.put_bytes(t.values);
  out.put(crc32c(out.bytes()));
  return out.release();
}

SparseTensor decode_tsp(std::span<const std::byte> bytes, std::string_view source) {
  if (!is_tsp(bytes)) throw Error(source, "is not a .tsp file (no TSPARSE magic)");
  if (bytes.size() < kMagic.size() + 2 + 4) throw Error(source, "is truncated");
  const std::span<const std::byte> body = bytes.first(bytes.size() - 4);
  ByteReader trailer(bytes.subspan(body.size()), std::string(source));
  const auto stored = trailer.get<std::uint32_t>();
  if (kVerifyChecksum && stored != crc32c(body)) {
    throw Error(source, "checksum mismatch: the file is corrupt or truncated");
  }
  ByteReader in(body, std::string(source));
  in.skip(kMagic.size());
  const auto version = in.get<std::uint16_t>();
  if (version != kVersion) {
    throw Error(source, fmt::format(".tsp version {}; this build reads version {}", version, kVersion));
  }
  SparseTensor t;
  const std::string format_text = in.get_string(256);
  const auto type = in.get<std::uint8_t>();
  if (type > static_cast<std::uint8_t>(ValueType::kPattern)) {
    throw Error(source, fmt::format("unknown value type {}", type));
  }
  t.value_type = static_cast<ValueType>(type);
  const auto canonical = in.get<std::uint8_t>();
  if (canonical > 1) throw Error(source, "bad canonical flag");
  t.canonical = canonical == 1;
  t.dims = get_array<std::uint32_t>(in, "dimensions");
  if (t.dims.empty() || t.dims.size() > 4) {
    throw Error(source, fmt::format("a tensor of order {} (1 to 4)", t.dims.size()));
  }
  t.format = parse_format(format_text, t.dims.size(), source);
  t.levels.resize(t.format.levels.size());
  for (LevelData& d : t.levels) {
    d.size = in.get_varint_u64();
    d.symbols = in.get_varint_u64();
    d.width = in.get<std::uint32_t>();
    d.pos = get_array<std::uint32_t>(in, "offsets");
    d.crd = get_array<std::uint32_t>(in, "coordinates");
    d.bits = get_array<std::uint64_t>(in, "bits");
  }
  const std::uint64_t value_bytes_total = in.get_varint_u64();
  if (value_bytes_total > in.remaining()) throw Error(source, "values run past the end of the file");
  const auto values = in.get_bytes(value_bytes_total);
  t.values.assign(values.begin(), values.end());
  in.expect_end();
  check_tensor(t, source);
  return t;
}

}  // namespace tessera::sparse
