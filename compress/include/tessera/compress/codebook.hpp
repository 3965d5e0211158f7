// Offline Huffman codebooks indexed by bit-rate, not by error bound (CEAZ, Zhang et al., ICS'22:
// codewords generated offline, adapted online): codebook sets, their .tcb
// file, the set the library ships, how a stream names its set, and training sets from fields.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/compress/chunking.hpp"
#include "tessera/compress/field.hpp"
#include "tessera/compress/format.hpp"
#include "tessera/compress/huffman.hpp"
#include "tessera/compress/quantizer.hpp"

namespace tessera::compress {

// A .tcb file (all integers little-endian, "varint" ULEB128):
//   magic      8 bytes  89 'T' 'C' 'B' 0D 0A 1A 0A
//   version    u16      kCodebookFormatVersion
//   radius     u32      quantization radius: the books code 2·radius+1 symbols
//   count      varint   number of books, 1 to kMaxCodebooks
//   books      per book: f64 bit-rate, code lengths (write_code_lengths, huffman.hpp)
//   checksum   u32      CRC32C of every byte before it
inline constexpr std::array<std::uint8_t, 8> kCodebookMagic = {0x89, 'T',  'C',  'B',
                                                               0x0D, 0x0A, 0x1A, 0x0A};
inline constexpr std::uint16_t kCodebookFormatVersion = 1;
inline constexpr std::size_t kMaxCodebooks = 64;

/// Where a chunk's Huffman code comes from; the first byte of its payload (format.hpp).
enum class CodebookSource : std::uint8_t {
  kInline = 0,   // the chunk's own optimal code, its lengths stored in the payload
  kOffline = 1,  // a book of the stream's offline set
  kReused = 2,   // the inline code of an earlier chunk: online adaptation
};
inline constexpr std::size_t kCodebookSources = 3;

/// The codebook source of a chunk payload (its first byte, format.hpp); errors name `source`.
CodebookSource codebook_source_of(std::span<const std::byte> payload, const std::string& source);

/// How the compressor picks each chunk's code. kAuto: the smallest of the best offline book, the
/// latest inline code of the stream and the chunk's own code; kOffline: always the best offline
/// book; kInline: always the chunk's own code (no offline set).
enum class CodebookMode : std::uint8_t { kAuto, kOffline, kInline };

/// "auto", "offline" or "inline".
std::string_view to_string(CodebookMode mode);

/// One offline code and the bit-rate it was trained for: bits per non-fill value of its training
/// fields under each chunk's own optimal code.
struct OfflineCodebook {
  double bits_per_value = 0;
  HuffmanCode code;  // every symbol of the alphabet has a codeword
};

/// Offline codebooks over the alphabet of one quantization radius, in increasing bit-rate.
struct CodebookSet {
  std::uint32_t radius = kDefaultRadius;
  std::vector<OfflineCodebook> books;
};

/// The set's .tcb bytes. Throws tessera::Error if the set breaks a rule decode_codebook_set checks.
std::vector<std::byte> encode_codebook_set(const CodebookSet& set);

/// Parses .tcb bytes and checks everything: magic, version, radius (2..kMaxRadius), 1 to
/// kMaxCodebooks books, finite bit-rates in (0, 32] strictly increasing, codes that give every
/// symbol a codeword, no trailing bytes and the checksum. Errors name `source`.
CodebookSet decode_codebook_set(std::span<const std::byte> bytes, const std::string& source);

/// decode_codebook_set of the file at `path` (errors name the path).
CodebookSet read_codebook_set(const std::filesystem::path& path);

/// Writes encode_codebook_set(set) to `path`, replacing it atomically.
void write_codebook_set(const std::filesystem::path& path, const CodebookSet& set);

/// The set's identity in streams: the CRC32C of its .tcb bytes before the checksum.
std::uint32_t codebook_set_hash(const CodebookSet& set);

/// The set that ships with the library (default_codebooks.inc, trained on Debian's
/// ferret-datasets and libncarg-data fields); parsed once, read-only.
const CodebookSet& default_codebook_set();

/// The offline set a stream needs: null for kNoCodebookSet, the built-in set for
/// kDefaultCodebookSet, else `custom`. Throws tessera::Error naming `source` when the stream names
/// a set this build lacks, a custom set is needed but `custom` is null, or the hash or radius of
/// the set found differs from the header's.
const CodebookSet* codebook_set_for(const StreamHeader& header, const CodebookSet* custom,
                                    const std::string& source);

/// Bit-rates, in bits per non-fill value, of the books train_codebooks builds by default.
inline constexpr std::array<double, 12> kDefaultTrainingBitRates = {1.1, 1.25, 1.5, 2, 2.5, 3,
                                                                    4,   5,    6,   7, 8,   9};

struct TrainingOptions {
  std::vector<double> bit_rates{kDefaultTrainingBitRates.begin(), kDefaultTrainingBitRates.end()};
  std::uint32_t radius = kDefaultRadius;
  std::size_t chunk_values = kDefaultChunkValues;
};

/// A field's quantization codes at one error bound, chunked as the compressor chunks it.
struct CodeStatistics {
  std::vector<std::uint64_t> histogram;  // summed over chunks; the fill code's count is zeroed
  std::uint64_t optimal_bits = 0;        // each chunk's non-fill codes under their own optimal code
  std::uint64_t values = 0;              // non-fill values

  /// optimal_bits per non-fill value (0 for none).
  double bits_per_value() const;
};

/// The code statistics of `field` at absolute bound `error_bound`, quantized as compress_field
/// quantizes it (on the values' grid where there is one: value_grid.hpp; chunks in parallel).
CodeStatistics code_statistics(const Field& field, double error_bound, std::uint32_t radius,
                               std::size_t chunk_values);

/// The absolute bound whose code_statistics bit-rate is closest to `bits_per_value`: steps of the
/// "eb × 2, one bit less" rule from REL 1e-3 until the target is bracketed, then bisection on
/// log eb. Throws tessera::Error naming the field if it is constant or all fill.
double error_bound_for_bit_rate(const Field& field, double bits_per_value, std::uint32_t radius,
                                std::size_t chunk_values);

/// How one training field was tuned to one book's bit-rate.
struct TrainingPoint {
  std::string field;
  double target = 0;          // bits per non-fill value
  double error_bound = 0;     // absolute
  double bits_per_value = 0;  // achieved
  bool used = false;          // within 5% of the target, so part of the book
};

/// Throws a usage error naming the TrainingOptions field at fault: 1 to kMaxCodebooks increasing
/// bit-rates in [1, 16], a valid radius, at least one value per chunk. train_codebooks checks them
/// first; commands check them before they read the training fields.
void check_training_options(const TrainingOptions& options);

/// Trains one book per bit-rate (CEAZ's calc_ave_freq): tunes each field's bound to the bit-rate,
/// averages the normalised code histograms (fill code excluded) of the fields that come within 5%
/// of it, gives every symbol a floor weight and builds a length-limited code; then appends the flat
/// book (every code equally likely, bit-rate log2 of the alphabet) that codes tight bounds, where
/// residuals spread past the radius, if its bit-rate is the highest and the set has room. Depends
/// on the fields and options only. Throws a usage error for no fields, bit-rates outside [1, 16] or
/// not increasing, a bad radius, or a bit-rate no field comes close to.
CodebookSet train_codebooks(std::span<const Field> fields, const TrainingOptions& options,
                            std::vector<TrainingPoint>* report = nullptr);

}  // namespace tessera::compress
