// Codebook sets: the .tcb format of codebook.hpp with every field validated, the built-in set
// (a generated table of .tcb bytes) and the lookup of the set a stream was written with.
#include "tessera/compress/codebook.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::compress {

namespace {

// The .tcb bytes of the built-in set, written by `tessera compress train` (see the file's header).
constexpr unsigned char kDefaultSetBytes[] = {
#include "default_codebooks.inc"
};

constexpr std::size_t kChecksumBytes = 4;

void check_radius(std::uint32_t radius, const std::string& source) {
  if (radius < 2 || radius > kMaxRadius) {
    throw Error(source, fmt::format("codebook set radius {} is outside 2..{}", radius, kMaxRadius));
  }
}

void check_book_count(std::uint64_t count, const std::string& source) {
  if (count == 0 || count > kMaxCodebooks) {
    throw Error(source,
                fmt::format("codebook set has {} books, not 1 to {}", count, kMaxCodebooks));
  }
}

// Throws unless `set` follows the rules of decode_codebook_set; errors name `source`.
void check_set(const CodebookSet& set, const std::string& source) {
  check_radius(set.radius, source);
  check_book_count(set.books.size(), source);
  const std::size_t alphabet = 2 * std::size_t{set.radius} + 1;
  double previous = 0;
  for (std::size_t k = 0; k < set.books.size(); ++k) {
    const OfflineCodebook& book = set.books[k];
    if (!(book.bits_per_value > previous && book.bits_per_value <= kMaxCodeLength)) {
      throw Error(source, fmt::format("codebook {} has bit-rate {}: bit-rates must increase within "
                                      "(0, {}]",
                                      k, book.bits_per_value, kMaxCodeLength));
    }
    previous = book.bits_per_value;
    if (book.code.lengths.size() != alphabet || std::ranges::count(book.code.lengths, 0) != 0) {
      throw Error(source, fmt::format("codebook {} does not give each of the {} symbols of radius "
                                      "{} a codeword",
                                      k, alphabet, set.radius));
    }
  }
}

std::uint32_t hash_of_encoded(const CodebookSet& set) {
  const std::vector<std::byte> bytes = encode_codebook_set(set);
  return crc32c(std::span(bytes).first(bytes.size() - kChecksumBytes));
}

}  // namespace

CodebookSource codebook_source_of(std::span<const std::byte> payload, const std::string& source) {
  ByteReader in(payload, source);
  const auto value = in.get<std::uint8_t>();
  if (value >= kCodebookSources) {
    throw Error(source, fmt::format("unknown codebook source {}", value));
  }
  return static_cast<CodebookSource>(value);
}

std::string_view to_string(CodebookMode mode) {
  switch (mode) {
    case CodebookMode::kOffline:
      return "offline";
    case CodebookMode::kInline:
      return "inline";
    case CodebookMode::kAuto:
      break;
  }
  return "auto";
}

std::vector<std::byte> encode_codebook_set(const CodebookSet& set) {
  check_set(set, "codebook set");
  ByteWriter out("codebook set");
  for (std::uint8_t b : kCodebookMagic) out.put(b);
  out.put(kCodebookFormatVersion);
  out.put(set.radius);
  out.put_varint_u64(set.books.size());
  for (const OfflineCodebook& book : set.books) {
    out.put(book.bits_per_value);
    write_code_lengths(book.code, out);
  }
  out.put(crc32c(out.bytes()));
  return out.release();
}

CodebookSet decode_codebook_set(std::span<const std::byte> bytes, const std::string& source) {
  if (bytes.size() < kCodebookMagic.size() ||
      !std::equal(kCodebookMagic.begin(), kCodebookMagic.end(), bytes.begin(),
                  [](std::uint8_t a, std::byte b) { return std::byte{a} == b; })) {
    throw Error(source, "not a tessera codebook set (bad magic number)");
  }
  ByteReader in(bytes, source);
  in.skip(kCodebookMagic.size());
  const auto version = in.get<std::uint16_t>();
  if (version != kCodebookFormatVersion) {
    throw Error(source, fmt::format("codebook format version {} is not supported (this build "
                                    "reads {})",
                                    version, kCodebookFormatVersion));
  }
  if (bytes.size() < kCodebookMagic.size() + 2 + kChecksumBytes) {
    throw Error(source, "truncated codebook set");
  }
  ByteReader trailer(bytes.last(kChecksumBytes), source);
  const std::uint32_t stored = trailer.get<std::uint32_t>();
  if (crc32c(bytes.first(bytes.size() - kChecksumBytes)) != stored) {
    throw Error(source, "codebook set checksum mismatch: the file is corrupt or truncated");
  }
  ByteReader body(bytes.first(bytes.size() - kChecksumBytes), source);
  body.skip(in.position());
  CodebookSet set;
  set.radius = body.get<std::uint32_t>();
  check_radius(set.radius, source);
  const std::uint64_t count = body.get_varint_u64();
  check_book_count(count, source);
  const std::size_t alphabet = 2 * std::size_t{set.radius} + 1;
  for (std::uint64_t k = 0; k < count; ++k) {
    OfflineCodebook book;
    book.bits_per_value = body.get<double>();
    book.code = read_code_lengths(body, alphabet);
    set.books.push_back(std::move(book));
  }
  body.expect_end();
  check_set(set, source);
  return set;
}

CodebookSet read_codebook_set(const std::filesystem::path& path) {
  return decode_codebook_set(read_file(path), path.string());
}

void write_codebook_set(const std::filesystem::path& path, const CodebookSet& set) {
  write_file(path, encode_codebook_set(set));
}

const CodebookSet& default_codebook_set() {
  static const CodebookSet set =
      decode_codebook_set(std::as_bytes(std::span(kDefaultSetBytes)), "built-in codebook set");
  return set;
}

std::uint32_t codebook_set_hash(const CodebookSet& set) {
  // Every stream names its set by hash: the built-in set's is computed once.
  static const std::uint32_t default_hash = hash_of_encoded(default_codebook_set());
  return &set == &default_codebook_set() ? default_hash : hash_of_encoded(set);
}

const CodebookSet* codebook_set_for(const StreamHeader& header, const CodebookSet* custom,
                                    const std::string& source) {
  if (header.codebook_set == kNoCodebookSet) return nullptr;
  const CodebookSet* set = custom;
  std::string name = "the given custom";
  if (header.codebook_set == kDefaultCodebookSet) {
    set = &default_codebook_set();
    name = "this build's built-in";
  } else if (header.codebook_set != kCustomCodebookSet) {
    throw Error(source, fmt::format("was written with built-in codebook set {}, which this build "
                                    "lacks (it has set {})",
                                    header.codebook_set, kDefaultCodebookSet));
  } else if (custom == nullptr) {
    throw Error(source, fmt::format("was written with a custom codebook set (hash {:08x}): the "
                                    "decoder needs that set (its .tcb file)",
                                    header.codebook_hash));
  }
  const std::uint32_t hash = codebook_set_hash(*set);
  if (hash != header.codebook_hash) {
    throw Error(source, fmt::format("was written with a codebook set of hash {:08x}, but {} set "
                                    "has hash {:08x}",
                                    header.codebook_hash, name, hash));
  }
  if (set->radius != header.radius) {
    throw Error(source, fmt::format("has radius {}, but {} codebook set has radius {}",
                                    header.radius, name, set->radius));
  }
  return set;
}

}  // namespace tessera::compress
