// ZIP reading and writing (zip_archive.hpp): the end of central directory record, the central
// directory's entries, the local headers they point to, and zlib's raw deflate streams.
#define ZLIB_CONST
#include "zip_archive.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"

namespace tessera::sparse::detail {
namespace {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::size_t kLocalSize = 30;    // a local header without its name and extra field
constexpr std::size_t kCentralSize = 46;  // a central directory entry without its strings
constexpr std::size_t kEndSize = 22;      // the end record without its comment
constexpr std::size_t kMaxComment = 0xFFFF;
constexpr std::uint32_t kZip64 = 0xFFFFFFFF;         // a 32-bit field that zip64 replaces
constexpr std::uint16_t kVersionNeeded = 20;         // 2.0: deflate
constexpr std::uint16_t kMadeBy = (3 << 8) | 20;     // Unix, 2.0
constexpr std::uint32_t kFileMode = 0100644u << 16;  // external attributes: a regular file
constexpr std::uint16_t kDate1980 = (1 << 5) | 1;    // MS-DOS date 1980-01-01
constexpr std::uint16_t kFlagEncrypted = 1;
// A deflate stream expands at most 1032-fold (a 258-byte match per two bits), so a larger
// declared size is a lie that must not be allocated.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr std::size_t kChunk = std::size_t{1} << 30;  // zlib counts bytes in 32 bits
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
constexpr bool kVerifyChecksum = false;  // let the fuzzer reach the .npy parser behind the CRC
#else
constexpr bool kVerifyChecksum = true;
#endif

// The `size` bytes of one record at `offset`, bounds-checked, with little-endian field reads.
class Record {
 public:
  Record(std::span<const std::byte> bytes, std::uint64_t offset, std::uint64_t size,
         std::string_view what, std::string_view source) {
    if (offset > bytes.size() || size > bytes.size() - offset) {
      throw Error(source,
                  fmt::format("is truncated: the {} at byte {} needs {} bytes, {} are left", what,
                              offset, size, offset > bytes.size() ? 0 : bytes.size() - offset));
    }
    bytes_ = bytes.subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(size));
  }
  std::uint16_t u16(std::size_t at) const {
    return from_little_endian<std::uint16_t>(bytes_.subspan(at).first<2>());
  }
  std::uint32_t u32(std::size_t at) const {
    return from_little_endian<std::uint32_t>(bytes_.subspan(at).first<4>());
  }
  std::span<const std::byte> bytes() const { return bytes_; }
  std::string_view text() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }

 private:
  std::span<const std::byte> bytes_;
};

// A buffer handed to zlib in windows of at most kChunk bytes.
template <class Byte>
class Window {
 public:
  explicit Window(std::span<Byte> buffer) : buffer_(buffer) {}
  /// Points `next` at the next window once zlib has used the last one.
  template <class Pointer>
  void refill(Pointer& next, uInt& avail) {
    if (avail != 0 || given_ == buffer_.size()) return;
    const std::size_t n = std::min(kChunk, buffer_.size() - given_);
    next = reinterpret_cast<Pointer>(buffer_.data() + given_);
    avail = static_cast<uInt>(n);
    given_ += n;
  }
  /// Whether zlib has used the whole buffer.
  bool used_up(uInt avail) const { return avail == 0 && given_ == buffer_.size(); }
  /// The bytes zlib has used.
  std::size_t used(uInt avail) const { return given_ - avail; }

 private:
  std::span<Byte> buffer_;
  std::size_t given_ = 0;
};

class InflateStream {
 public:
  InflateStream() {
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw Error("zlib", "cannot start inflating");
  }
  ~InflateStream() { inflateEnd(&z); }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  z_stream z{};
};

class DeflateStream {
 public:
  DeflateStream() {
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      throw Error("zlib", "cannot start deflating");
    }
  }
  ~DeflateStream() { deflateEnd(&z); }
  DeflateStream(const DeflateStream&) = delete;
  DeflateStream& operator=(const DeflateStream&) = delete;
  z_stream z{};
};

std::uint32_t crc32_of(std::span<const std::byte> data) {
  uLong crc = crc32(0, nullptr, 0);
  for (std::size_t at = 0; at < data.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, data.size() - at);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + at), static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(crc);
}

// The `size` bytes that the raw deflate stream `in` of `member` inflates to.
std::vector<std::byte> inflate_member(std::span<const std::byte> in, std::uint64_t size,
                                      std::string_view member, std::string_view source) {
  if (size > in.size() * kMaxDeflateRatio + kMaxDeflateRatio) {
    throw Error(source, fmt::format("{} declares {} bytes, more than its {} deflated bytes can "
                                    "hold",
                                    member, size, in.size()));
  }
  std::vector<std::byte> out(static_cast<std::size_t>(size));
  std::byte none{};
  InflateStream stream;
  z_stream& z = stream.z;
  z.next_out = reinterpret_cast<Bytef*>(&none);  // zlib refuses a null output, even an empty one
  Window<const std::byte> input(in);
  Window<std::byte> output(out);
  for (;;) {
    input.refill(z.next_in, z.avail_in);
    output.refill(z.next_out, z.avail_out);
    const int status = inflate(&z, Z_NO_FLUSH);
    if (status == Z_STREAM_END) break;
    if (status == Z_OK) continue;
    if (status == Z_BUF_ERROR && output.used_up(z.avail_out)) {
      throw Error(source,
                  fmt::format("{} inflates to more than its declared {} bytes", member, size));
    }
    if (status == Z_BUF_ERROR && input.used_up(z.avail_in)) {
      throw Error(source, fmt::format("{} is truncated: its deflate stream ends early", member));
    }
    throw Error(source, fmt::format("{} holds corrupt deflate data ({})", member,
                                    z.msg != nullptr ? z.msg : "zlib error"));
  }
  if (output.used(z.avail_out) != size) {
    throw Error(source, fmt::format("{} inflates to {} bytes, not its declared {}", member,
                                    output.used(z.avail_out), size));
  }
  return out;
}

std::vector<std::byte> deflate_bytes(std::span<const std::byte> in) {
  DeflateStream stream;
  z_stream& z = stream.z;
  std::vector<std::byte> out(deflateBound(&z, static_cast<uLong>(in.size())));
  Window<const std::byte> input(in);
  Window<std::byte> output(out);
  for (int status = Z_OK; status != Z_STREAM_END;) {
    input.refill(z.next_in, z.avail_in);
    output.refill(z.next_out, z.avail_out);
    status = deflate(&z, input.used_up(z.avail_in) ? Z_FINISH : Z_NO_FLUSH);
    const bool stuck = status == Z_BUF_ERROR && output.used_up(z.avail_out);
    if (stuck || (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR)) {
      throw Error("zlib", fmt::format("deflate failed ({})", status));
    }
  }
  out.resize(output.used(z.avail_out));
  return out;
}

// The fields a local header and a central directory entry share, from "version needed" on.
struct SharedFields {
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint32_t packed_size = 0;
  std::uint32_t size = 0;
  std::uint16_t name_size = 0;
};

void put_shared(ByteWriter& out, const SharedFields& f) {
  out.put(kVersionNeeded);
  out.put(std::uint16_t{0});  // flags
  out.put(f.method);
  out.put(std::uint16_t{0});  // time 00:00
  out.put(kDate1980);
  out.put(f.crc);
  out.put(f.packed_size);
  out.put(f.size);
  out.put(f.name_size);
  out.put(std::uint16_t{0});  // extra field
}

[[noreturn]] void throw_zip64(std::string_view name) {
  throw Error(name,
              "the archive would need zip64 (over 4 GiB or 65535 members), which is not "
              "supported");
}

}  // namespace

std::vector<ZipEntry> read_zip(std::span<const std::byte> bytes, std::string_view source) {
  // The end record is the last one: it may be followed only by its comment.
  std::size_t end = bytes.size();
  if (bytes.size() >= kEndSize) {
    const std::size_t lowest =
        bytes.size() - kEndSize > kMaxComment ? bytes.size() - kEndSize - kMaxComment : 0;
    for (std::size_t at = bytes.size() - kEndSize + 1; at-- > lowest;) {
      if (from_little_endian<std::uint32_t>(bytes.subspan(at).first<4>()) == kEndSignature) {
        end = at;
        break;
      }
    }
  }
  if (end == bytes.size()) {
    throw Error(source, "is not a ZIP archive (no end of central directory record)");
  }
  const Record eocd(bytes, end, kEndSize, "end of central directory record", source);
  const std::uint16_t entries = eocd.u16(10);
  const std::uint32_t directory_size = eocd.u32(12);
  const std::uint32_t directory_at = eocd.u32(16);
  if (entries == 0xFFFF || directory_size == kZip64 || directory_at == kZip64) {
    throw Error(source,
                "is a zip64 archive (over 4 GiB or 65535 members), which is not "
                "supported");
  }
  if (eocd.u16(4) != 0 || eocd.u16(6) != 0 || eocd.u16(8) != entries) {
    throw Error(source, "is a ZIP archive split over several disks, which is not supported");
  }
  const std::uint64_t directory_end = std::uint64_t{directory_at} + directory_size;
  if (directory_end > end) {
    throw Error(source, fmt::format("is corrupt: its central directory (bytes {} to {}) runs into "
                                    "its end record at byte {}",
                                    directory_at, directory_end, end));
  }
  std::vector<ZipEntry> members;
  std::set<std::string> names;
  std::uint64_t at = directory_at;
  for (std::size_t i = 0; i < entries; ++i) {
    const Record head(bytes, at, kCentralSize, "central directory entry", source);
    if (head.u32(0) != kCentralSignature) {
      throw Error(source, fmt::format("is corrupt: entry {} of its central directory (byte {}) "
                                      "has a bad signature",
                                      i, at));
    }
    const std::uint16_t flags = head.u16(8), method = head.u16(10);
    const std::uint32_t crc = head.u32(16), packed_size = head.u32(20), size = head.u32(24);
    const std::uint16_t name_size = head.u16(28);
    const std::uint32_t local_at = head.u32(42);
    ZipEntry entry;
    entry.name = Record(bytes, at + kCentralSize, name_size, "member name", source).text();
    at += kCentralSize + name_size + head.u16(30) + head.u16(32);
    const std::string member = fmt::format("member '{}'", entry.name);
    if (at > directory_end) {
      throw Error(source, fmt::format("is corrupt: the central directory entry of {} runs past "
                                      "the directory's end at byte {}",
                                      member, directory_end));
    }
    if ((flags & kFlagEncrypted) != 0) {
      throw Error(source, fmt::format("{} is encrypted, which is not supported", member));
    }
    if (packed_size == kZip64 || size == kZip64 || local_at == kZip64) {
      throw Error(source,
                  fmt::format("{} needs zip64 (over 4 GiB), which is not supported", member));
    }
    if (!names.insert(entry.name).second) {
      throw Error(source, fmt::format("{} appears twice", member));
    }
    const Record local(bytes, local_at, kLocalSize, fmt::format("local header of {}", member),
                       source);
    const std::uint64_t local_name_at = std::uint64_t{local_at} + kLocalSize;
    if (local.u32(0) != kLocalSignature || local.u16(26) != name_size ||
        Record(bytes, local_name_at, name_size, "member name", source).text() != entry.name) {
      throw Error(source, fmt::format("is corrupt: the local header of {} (byte {}) does not "
                                      "match its central directory entry",
                                      member, local_at));
    }
    const Record data(bytes, local_name_at + name_size + local.u16(28), packed_size,
                      fmt::format("data of {}", member), source);
    switch (static_cast<ZipMethod>(method)) {
      case ZipMethod::kStored:
        if (packed_size != size) {
          throw Error(source, fmt::format("stored {} declares {} bytes but holds {}", member, size,
                                          packed_size));
        }
        entry.data.assign(data.bytes().begin(), data.bytes().end());
        break;
      case ZipMethod::kDeflate:
        entry.data = inflate_member(data.bytes(), size, member, source);
        break;
      default:
        throw Error(source, fmt::format("{} uses compression method {}; only stored (0) and "
                                        "deflate (8) are supported",
                                        member, method));
    }
    const std::uint32_t actual = crc32_of(entry.data);
    if (kVerifyChecksum && actual != crc) {
      throw Error(source, fmt::format("{} fails its CRC-32 check (stored {:08x}, computed {:08x})",
                                      member, crc, actual));
    }
    members.push_back(std::move(entry));
  }
  return members;
}

std::vector<std::byte> write_zip(std::span<const ZipEntry> entries, ZipMethod method,
                                 std::string_view name) {
  constexpr std::uint64_t kLimit = kZip64 - 1;
  if (entries.size() >= 0xFFFF) throw_zip64(name);
  ByteWriter out{std::string(name)};
  ByteWriter directory{std::string(name)};
  for (const ZipEntry& e : entries) {
    std::vector<std::byte> deflated;
    if (method == ZipMethod::kDeflate) deflated = deflate_bytes(e.data);
    const std::span<const std::byte> packed =
        method == ZipMethod::kDeflate ? std::span<const std::byte>(deflated) : e.data;
    const std::uint64_t local_at = out.position();
    if (e.data.size() > kLimit || packed.size() > kLimit || local_at > kLimit ||
        e.name.size() > 0xFFFF) {
      throw_zip64(name);
    }
    const SharedFields fields{.method = static_cast<std::uint16_t>(method),
                              .crc = crc32_of(e.data),
                              .packed_size = static_cast<std::uint32_t>(packed.size()),
                              .size = static_cast<std::uint32_t>(e.data.size()),
                              .name_size = static_cast<std::uint16_t>(e.name.size())};
    const auto name_bytes = std::as_bytes(std::span(e.name));
    out.put(kLocalSignature);
    put_shared(out, fields);
    out.put_bytes(name_bytes);
    out.put_bytes(packed);
    directory.put(kCentralSignature);
    directory.put(kMadeBy);
    put_shared(directory, fields);
    directory.put(std::uint16_t{0});  // comment
    directory.put(std::uint16_t{0});  // disk
    directory.put(std::uint16_t{0});  // internal attributes
    directory.put(kFileMode);
    directory.put(static_cast<std::uint32_t>(local_at));
    directory.put_bytes(name_bytes);
  }
  const std::uint64_t directory_at = out.position();
  if (directory_at > kLimit || directory.position() > kLimit) throw_zip64(name);
  out.put_bytes(directory.bytes());
  out.put(kEndSignature);
  out.put(std::uint16_t{0});  // this disk
  out.put(std::uint16_t{0});  // the directory's disk
  out.put(static_cast<std::uint16_t>(entries.size()));
  out.put(static_cast<std::uint16_t>(entries.size()));
  out.put(static_cast<std::uint32_t>(directory.position()));
  out.put(static_cast<std::uint32_t>(directory_at));
  out.put(std::uint16_t{0});  // comment
  return out.release();
}

}  // namespace tessera::sparse::detail
