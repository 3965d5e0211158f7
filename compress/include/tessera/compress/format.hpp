// The .tsz stream: the one place that documents and implements its layout. All integers are
// little-endian; "varint" is ULEB128. A stream is
//
//   magic      8 bytes  89 'T' 'S' 'Z' 0D 0A 1A 0A
//   version    u16      kFormatVersion
//   header     varint length, then: u8 type (1 f32, 2 f64), u8 rank, varint dims (slowest first),
//              u8 bound mode, f64 requested abs, f64 requested rel (FXR: the target ratio),
//              f64 effective abs bound, f64 grid step (0: none; quantizer.hpp), u32 radius, u8 has
//              fill, f64 fill, varint slices per chunk, u8 lossless, u16 codebook set, u32 codebook
//              set hash; then u32 CRC32C of the header bytes
//   chunks     payloads back to back, each decodable without decoding the others (a chunk may
//              reuse the code table at the start of an earlier chunk's payload). A payload is:
//              u8 codebook source (codebook.hpp), then by source: 0 the code lengths (huffman.hpp);
//              1 varint book index in the stream's offline set, varint counts of the chunk's
//              outlier, zero-residual and fill codes (the book is adapted to them); 2 varint
//              distance back to the earlier chunk whose inline code lengths this chunk reuses;
//              then the body: varint outlier count, varint outlier bytes, outlier records
//              (quantizer.hpp), varint bitstream bytes, bitstream. A zstd-flagged chunk stores its
//              body as one zstd frame; the code stays outside it, so a later chunk reads it
//              without inflating anything. A constant-flagged chunk's payload is a varint count of
//              its values and one value of the header's type, which each of them decodes to.
//   table      varint chunk count, per chunk {varint bytes, varint outliers, u8 flags, u32 CRC32C
//              of the payload}; then u32 CRC32C of the table bytes
//   trailer    u64 offset of the table, u32 CRC32C of every byte before it, 4 bytes "TSZE"
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/compress/field.hpp"
#include "tessera/compress/quantizer.hpp"
#include "tessera/core/bytes.hpp"

namespace tessera::compress {

inline constexpr std::array<std::uint8_t, 8> kMagic = {0x89, 'T', 'S', 'Z', 0x0D, 0x0A, 0x1A, 0x0A};
inline constexpr std::array<std::uint8_t, 4> kEndMagic = {'T', 'S', 'Z', 'E'};
inline constexpr std::uint16_t kFormatVersion = 3;
inline constexpr std::size_t kTrailerBytes = 16;

/// Checksums are verified on every read, except in fuzzing builds (the usual
/// FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION convention), where they would hide the parser from the
/// fuzzer.
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
inline constexpr bool kVerifyChecksums = false;
#else
inline constexpr bool kVerifyChecksums = true;
#endif

/// Header values naming the offline codebook set (codebook.hpp) the chunks may use: none, a set
/// built into the library (this build has set 3, trained with outlier codes pinned and gridded
/// fields on their grid; sets 1 and 2 are retired), or a custom set the decoder must be given.
inline constexpr std::uint16_t kNoCodebookSet = 0;
inline constexpr std::uint16_t kDefaultCodebookSet = 3;
inline constexpr std::uint16_t kCustomCodebookSet = 0xFFFF;

enum class BoundMode : std::uint8_t { kAbs = 1, kRel = 2, kAbsAndRel = 3, kFixedRatio = 4 };
enum class Lossless : std::uint8_t { kNone = 0, kZstd = 1 };

/// What the user asked for: ABS eb, REL eb (× value range), both (the tighter one holds), or FXR:
/// the absolute bound that gives a target compression ratio (fixed_ratio.hpp).
struct ErrorBound {
  BoundMode mode = BoundMode::kRel;
  double abs = 0;
  double rel = 0;
  double ratio = 0;  // FXR only: the target ratio (stored in the header's rel field)
};

/// "ABS 0.001", "REL 1e-3", "ABS_AND_REL 0.1 1e-3", "FXR 10".
std::string to_string(const ErrorBound& bound);

struct StreamHeader {
  DataType type = DataType::kFloat32;
  std::vector<std::size_t> shape;  // slowest first
  ErrorBound requested;
  double error_bound = 0;  // effective absolute bound every value honours
  double grid_step = 0;    // prequantization step of values on a grid coarser than 2eb; 0: none
  std::uint32_t radius = 0;
  std::optional<double> fill_value;
  std::size_t slices_per_chunk = 0;  // chunks are slabs of this many slices (see chunking.hpp)
  Lossless lossless = Lossless::kZstd;
  std::uint16_t codebook_set = kNoCodebookSet;
  std::uint32_t codebook_hash = 0;  // codebook_set_hash of the set; 0 without one
};

// kChunkConstant: the chunk is one value (its values all lie within the bound of it, or all are
// fill points); its payload holds the count of its values and that value.
enum ChunkFlags : std::uint8_t { kChunkZstd = 1, kChunkConstant = 2 };

struct ChunkRecord {
  std::uint64_t bytes = 0;
  std::uint64_t outliers = 0;
  std::uint8_t flags = 0;
  std::uint32_t crc = 0;
};

/// The quantizer settings every chunk of a stream with this header is coded with.
QuantizerSettings quantizer_settings(const StreamHeader& header);

/// Magic, version and header (with its CRC).
void write_header(const StreamHeader& header, ByteWriter& out);
/// Chunk table (with its CRC).
void write_chunk_table(std::span<const ChunkRecord> chunks, ByteWriter& out);

/// Bytes of write_header's output for `header`.
std::uint64_t header_bytes(const StreamHeader& header);
/// Bytes of write_chunk_table's output for `chunks`.
std::uint64_t chunk_table_bytes(std::span<const ChunkRecord> chunks);
/// Bytes of the stream StreamWriter writes for `header` and chunks of these records.
std::uint64_t stream_bytes(const StreamHeader& header, std::span<const ChunkRecord> chunks);

/// Writes a stream in order to a sink: the header, the chunk payloads as they come, then the
/// chunk table and the trailer (with the CRC of everything before it).
class StreamWriter {
 public:
  using Sink = std::function<void(std::span<const std::byte>)>;

  /// Writes the header to `sink`, which must outlive the writer.
  StreamWriter(const StreamHeader& header, const Sink& sink);
  /// Appends the next chunk's payload, described by `record`.
  void add_chunk(std::span<const std::byte> payload, const ChunkRecord& record);
  /// Writes the chunk table and the trailer; returns the stream's size in bytes.
  std::uint64_t finish();
  std::span<const ChunkRecord> chunks() const { return records_; }

 private:
  void write(std::span<const std::byte> bytes);

  const Sink& sink_;
  std::uint64_t written_ = 0;
  std::uint32_t crc_ = 0;  // CRC32C of every byte written
  std::vector<ChunkRecord> records_;
};

/// A parsed stream: header, chunk table and where each chunk's payload is.
struct StreamLayout {
  StreamHeader header;
  std::vector<ChunkRecord> chunks;
  std::vector<std::uint64_t> offsets;  // byte offset of each chunk payload
};

/// Parses and checks a whole stream (magic, version, CRCs of header, table and whole stream,
/// consistent sizes). Errors name `source` and say what is wrong.
StreamLayout read_layout(std::span<const std::byte> stream, const std::string& source);

}  // namespace tessera::compress
