// Writing and parsing the .tsz layout documented in format.hpp, with every field validated.
#include "tessera/compress/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {

constexpr std::size_t kMaxHeaderBytes = 1 << 12;

template <std::size_t N>
void put_magic(const std::array<std::uint8_t, N>& magic, ByteWriter& out) {
  for (std::uint8_t b : magic) out.put(b);
}

template <std::size_t N>
bool has_magic(std::span<const std::byte> bytes, const std::array<std::uint8_t, N>& magic) {
  return bytes.size() >= N &&
         std::equal(magic.begin(), magic.end(), bytes.begin(),
                    [](std::uint8_t a, std::byte b) { return std::byte{a} == b; });
}

// Reads a u32 CRC and compares it with the CRC of `covered`.
void check_crc(ByteReader& in, std::span<const std::byte> covered, const std::string& source,
               std::string_view what) {
  const std::uint32_t stored = in.get<std::uint32_t>();
  const std::uint32_t actual = crc32c(covered);
  if (kVerifyChecksums && stored != actual) {
    throw Error(source, fmt::format("{} checksum mismatch (stored {:08x}, computed {:08x}): the "
                                    "file is corrupt",
                                    what, stored, actual));
  }
}

StreamHeader parse_header(ByteReader& in, const std::string& source) {
  const auto fail = [&](std::string_view problem) {
    throw Error(source, fmt::format("invalid header: {}", problem));
  };
  StreamHeader h;
  const auto type = in.get<std::uint8_t>();
  if (type != 1 && type != 2) fail(fmt::format("unknown value type {}", type));
  h.type = static_cast<DataType>(type);
  const auto rank = in.get<std::uint8_t>();
  if (rank < 1 || rank > 4) fail(fmt::format("rank {} (expected 1 to 4)", rank));
  std::size_t values = 1;
  for (int d = 0; d < rank; ++d) {
    const std::uint64_t extent = in.get_varint_u64();
    if (extent == 0 || extent > (std::uint64_t{1} << 48) / values) fail("bad dimensions");
    values *= extent;
    h.shape.push_back(extent);
  }
  const auto mode = in.get<std::uint8_t>();
  if (mode < 1 || mode > 4) fail(fmt::format("unknown bound mode {}", mode));
  h.requested.mode = static_cast<BoundMode>(mode);
  h.requested.abs = in.get<double>();
  (h.requested.mode == BoundMode::kFixedRatio ? h.requested.ratio : h.requested.rel) =
      in.get<double>();
  h.error_bound = in.get<double>();
  h.grid_step = in.get<double>();
  h.radius = in.get<std::uint32_t>();
  const bool has_fill = in.get<std::uint8_t>() != 0;
  const double fill = in.get<double>();
  if (has_fill) h.fill_value = fill;
  h.slices_per_chunk = in.get_varint_u64();
  const auto lossless = in.get<std::uint8_t>();
  if (lossless > 1) fail(fmt::format("unknown lossless stage {}", lossless));
  h.lossless = static_cast<Lossless>(lossless);
  h.codebook_set = in.get<std::uint16_t>();
  h.codebook_hash = in.get<std::uint32_t>();
  if (h.codebook_set == kNoCodebookSet && h.codebook_hash != 0) fail("hash of no codebook set");
  try {
    validate(quantizer_settings(h));
  } catch (const Error& e) {
    fail(e.what());
  }
  if (h.slices_per_chunk == 0 || h.slices_per_chunk > h.shape.front() * 1'000'000'000ULL) {
    fail("bad chunk size");
  }
  return h;
}

}  // namespace

std::string to_string(const ErrorBound& bound) {
  switch (bound.mode) {
    case BoundMode::kAbs:
      return fmt::format("ABS {:g}", bound.abs);
    case BoundMode::kRel:
      return fmt::format("REL {:g}", bound.rel);
    case BoundMode::kFixedRatio:
      return fmt::format("FXR {:g}", bound.ratio);
    case BoundMode::kAbsAndRel:
      break;
  }
  return fmt::format("ABS_AND_REL {:g} {:g}", bound.abs, bound.rel);
}

void write_header(const StreamHeader& h, ByteWriter& out) {
  put_magic(kMagic, out);
  out.put(kFormatVersion);
  ByteWriter body("header");
  body.put(static_cast<std::uint8_t>(h.type));
  body.put(static_cast<std::uint8_t>(h.shape.size()));
  for (std::size_t d : h.shape) body.put_varint_u64(d);
  body.put(static_cast<std::uint8_t>(h.requested.mode));
  body.put(h.requested.abs);
  body.put(h.requested.mode == BoundMode::kFixedRatio ? h.requested.ratio : h.requested.rel);
  body.put(h.error_bound);
  body.put(h.grid_step);
  body.put(h.radius);
  body.put(static_cast<std::uint8_t>(h.fill_value.has_value()));
  body.put(h.fill_value.value_or(0.0));
  body.put_varint_u64(h.slices_per_chunk);
  body.put(static_cast<std::uint8_t>(h.lossless));
  body.put(h.codebook_set);
  body.put(h.codebook_hash);
  out.put_varint_u64(body.position());
  out.put_bytes(body.bytes());
  out.put(crc32c(body.bytes()));
}

void write_chunk_table(std::span<const ChunkRecord> chunks, ByteWriter& out) {
  ByteWriter table("chunk table");
  table.put_varint_u64(chunks.size());
  for (const ChunkRecord& c : chunks) {
    table.put_varint_u64(c.bytes);
    table.put_varint_u64(c.outliers);
    table.put(c.flags);
    table.put(c.crc);
  }
  out.put_bytes(table.bytes());
  out.put(crc32c(table.bytes()));
}

QuantizerSettings quantizer_settings(const StreamHeader& h) {
  return {h.error_bound, h.radius, h.fill_value, h.grid_step};
}

std::uint64_t header_bytes(const StreamHeader& header) {
  ByteWriter out("header");
  write_header(header, out);
  return out.position();
}

std::uint64_t chunk_table_bytes(std::span<const ChunkRecord> chunks) {
  ByteWriter out("chunk table");
  write_chunk_table(chunks, out);
  return out.position();
}

std::uint64_t stream_bytes(const StreamHeader& header, std::span<const ChunkRecord> chunks) {
  std::uint64_t payloads = 0;
  for (const ChunkRecord& c : chunks) payloads += c.bytes;
  return header_bytes(header) + payloads + chunk_table_bytes(chunks) + kTrailerBytes;
}

StreamWriter::StreamWriter(const StreamHeader& header, const Sink& sink) : sink_(sink) {
  ByteWriter head("header");
  write_header(header, head);
  write(head.bytes());
}

void StreamWriter::add_chunk(std::span<const std::byte> payload, const ChunkRecord& record) {
  write(payload);
  records_.push_back(record);
}

std::uint64_t StreamWriter::finish() {
  const std::uint64_t table_offset = written_;
  ByteWriter tail("chunk table");
  write_chunk_table(records_, tail);
  tail.put(table_offset);
  write(tail.bytes());
  ByteWriter trailer("trailer");
  trailer.put(crc_);
  put_magic(kEndMagic, trailer);
  write(trailer.bytes());
  return written_;
}

void StreamWriter::write(std::span<const std::byte> bytes) {
  crc_ = crc32c(bytes, crc_);
  written_ += bytes.size();
  sink_(bytes);
}

StreamLayout read_layout(std::span<const std::byte> stream, const std::string& source) {
  if (!has_magic(stream, kMagic)) {
    throw Error(source, "not a tessera compressed stream (bad magic number)");
  }
  if (stream.size() < kMagic.size() + 2 + kTrailerBytes ||
      !has_magic(stream.last(kEndMagic.size()), kEndMagic)) {
    throw Error(source, "truncated: the stream has no trailer");
  }
  ByteReader trailer(stream.last(kTrailerBytes), source);
  const std::uint64_t table_offset = trailer.get<std::uint64_t>();
  const std::uint32_t file_crc = trailer.get<std::uint32_t>();
  const std::size_t before_crc = stream.size() - kTrailerBytes + 8;
  if (kVerifyChecksums && crc32c(stream.first(before_crc)) != file_crc) {
    throw Error(source, "stream checksum mismatch: the file is corrupt");
  }

  ByteReader in(stream.first(stream.size() - kTrailerBytes), source);
  in.skip(kMagic.size());
  const auto version = in.get<std::uint16_t>();
  if (version != kFormatVersion) {
    throw Error(source, fmt::format("format version {} is not supported (this build reads {})",
                                    version, kFormatVersion));
  }
  const std::uint64_t header_bytes = in.get_varint_u64();
  if (header_bytes > kMaxHeaderBytes) throw Error(source, "invalid header: too long");
  const auto header_span = in.get_bytes(header_bytes);
  check_crc(in, header_span, source, "header");
  ByteReader header_reader(header_span, source);
  StreamLayout layout;
  layout.header = parse_header(header_reader, source);
  header_reader.expect_end();

  const std::uint64_t chunks_start = in.position();
  if (table_offset < chunks_start || table_offset > stream.size() - kTrailerBytes) {
    throw Error(source, "invalid trailer: chunk table offset out of range");
  }
  const auto table_span =
      stream.subspan(table_offset, stream.size() - kTrailerBytes - table_offset);
  if (table_span.size() < 4) throw Error(source, "truncated chunk table");
  ByteReader table(table_span.first(table_span.size() - 4), source);
  ByteReader table_crc(table_span.last(4), source);
  check_crc(table_crc, table_span.first(table_span.size() - 4), source, "chunk table");
  const std::uint64_t count = table.get_varint_u64();
  if (count > table_span.size()) throw Error(source, "invalid chunk table: too many chunks");
  std::uint64_t offset = chunks_start;
  for (std::uint64_t i = 0; i < count; ++i) {
    ChunkRecord c;
    c.bytes = table.get_varint_u64();
    c.outliers = table.get_varint_u64();
    c.flags = table.get<std::uint8_t>();
    c.crc = table.get<std::uint32_t>();
    if (c.bytes > table_offset - offset) {
      throw Error(source, fmt::format("invalid chunk table: chunk {} runs past the data", i));
    }
    layout.offsets.push_back(offset);
    layout.chunks.push_back(c);
    offset += c.bytes;
  }
  table.expect_end();
  if (offset != table_offset) {
    throw Error(source, "invalid chunk table: chunk sizes do not add up to the data");
  }
  return layout;
}

}  // namespace tessera::compress
