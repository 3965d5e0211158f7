// The Criteo reader: CSV with a header or raw TSV, one line per sample, parsed in place with
// string_view and from_chars into a table-major Batch; categoricals hashed by splitmix64.
#include "tessera/dlrm/criteo.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "splitmix.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::dlrm {
namespace {

constexpr int kDense = static_cast<int>(kCriteoDenseFeatures);
constexpr int kSparse = static_cast<int>(kCriteoSparseFeatures);
constexpr int kFields = 1 + kDense + kSparse;  // label, I1..I13, C1..C26
constexpr std::string_view kCsvHeader =
    "label,I1,I2,I3,I4,I5,I6,I7,I8,I9,I10,I11,I12,I13,C1,C2,C3,C4,C5,C6,C7,C8,C9,C10,C11,C12,"
    "C13,C14,C15,C16,C17,C18,C19,C20,C21,C22,C23,C24,C25,C26";

/// The row of categorical `feature` with value `value` (nullopt: missing) in `rows` rows. This
/// formula fixes the ids of every file, so it must never change:
///   key = feature << 33 | (missing ? 1 << 32 : value)   (value: the hex parsed as 32 bits)
///   row = splitmix64(key) mod rows                       (splitmix64: state + 0x9E3779B97F4A7C15,
///                                                         then the finalizer, as above)
std::int64_t hashed_row(int feature, std::optional<std::uint32_t> value, std::int64_t rows) {
  const std::uint64_t key = (static_cast<std::uint64_t>(feature) << 33) |
                            (value ? std::uint64_t{*value} : std::uint64_t{1} << 32);
  return static_cast<std::int64_t>(detail::splitmix64(key) % static_cast<std::uint64_t>(rows));
}

/// 1 to 8 hex digits of either case as a 32-bit value; nullopt for anything else.
std::optional<std::uint32_t> parse_hex(std::string_view text) {
  if (text.empty() || text.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

enum class IntegerStatus { kOk, kNotANumber, kNotAnInteger, kOutOfRange };

/// A decimal integer, optionally written with a fraction of zeros ("15", "-1", "15.0"), into
/// `value`.
IntegerStatus parse_integer(std::string_view text, std::int64_t& value) {
  const char* const last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), last, value);
  if (ec == std::errc::invalid_argument) return IntegerStatus::kNotANumber;
  bool integral = true;
  if (ptr != last) {
    if (*ptr != '.' || ptr + 1 == last) return IntegerStatus::kNotANumber;
    for (++ptr; ptr != last; ++ptr) {
      if (*ptr < '0' || *ptr > '9') return IntegerStatus::kNotANumber;
      integral = integral && *ptr == '0';
    }
  }
  if (ec == std::errc::result_out_of_range) return IntegerStatus::kOutOfRange;
  return integral ? IntegerStatus::kOk : IntegerStatus::kNotAnInteger;
}

/// `text` in single quotes for a message: at most 32 bytes, other than printable ASCII as \xNN.
std::string quoted(std::string_view text) {
  constexpr std::size_t kShown = 32;
  std::string out = "'";
  for (const char c : text.substr(0, kShown)) {
    if (c >= ' ' && c <= '~') {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    }
  }
  out += text.size() > kShown ? "...'" : "'";
  return out;
}

/// "label", "I1".."I13" or "C1".."C26" for field `field` (0..39) of a line.
std::string field_name(int field) {
  if (field == 0) return "label";
  if (field <= kDense) return fmt::format("I{}", field);
  return fmt::format("C{}", field - kDense);
}

/// The rows of each of the 26 tables, after checking `options`.
std::array<std::int64_t, kSparse> checked_rows(const CriteoOptions& options) {
  if (options.rows.size() != 1 && options.rows.size() != static_cast<std::size_t>(kSparse)) {
    throw usage_error("rows", fmt::format("{} values, expected 1 or {}", options.rows.size(),
                                          kCriteoSparseFeatures));
  }
  std::array<std::int64_t, kSparse> rows{};
  for (int t = 0; t < kSparse; ++t) {
    rows[t] = options.rows.size() == 1 ? options.rows[0] : options.rows[t];
    if (rows[t] < 1) {
      throw usage_error("rows",
                        fmt::format("table {} has {} rows, expected at least 1", t, rows[t]));
    }
  }
  if (options.max_samples < 0) {
    throw usage_error("max_samples",
                      fmt::format("is {}, expected at least 0", options.max_samples));
  }
  return rows;
}

/// The number of lines of `text` (a final line without '\n' counts), counting at most `limit`.
std::int64_t count_lines(std::string_view text, std::int64_t limit) {
  std::int64_t lines = 0;
  std::size_t pos = 0;
  while (pos < text.size() && lines < limit) {
    const std::size_t end = text.find('\n', pos);
    ++lines;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return lines;
}

/// Lines of a text in order, 1-based numbers, without their "\n" or "\r\n".
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  /// The next line; nullopt after the last (a final '\n' ends the last line, not starts one).
  std::optional<std::string_view> next() {
    if (pos_ >= text_.size()) return std::nullopt;
    const std::size_t end = text_.find('\n', pos_);
    std::string_view line = text_.substr(pos_, end == std::string_view::npos ? end : end - pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    ++number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  /// The number of the line next() returned last.
  std::int64_t number() const { return number_; }
  /// The text after the line next() returned last.
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t number_ = 0;
};

/// Splits `line` at `separator` into `fields` (the first kFields of them); returns the count.
int split_fields(std::string_view line, char separator,
                 std::array<std::string_view, kFields>& fields) {
  int count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(separator, start);
    if (count < kFields) {
      fields[count] = line.substr(start, end == std::string_view::npos ? end : end - start);
    }
    ++count;
    if (end == std::string_view::npos) return count;
    start = end + 1;
  }
}

/// Parses the sample lines of `text` into a Batch (see parse_criteo).
Batch parse_samples(std::string_view text, const std::string& name,
                    const std::array<std::int64_t, kSparse>& rows, std::int64_t max_samples) {
  LineReader lines(text);
  const std::optional<std::string_view> first = LineReader(text).next();
  const bool csv = first && *first == kCsvHeader;
  if (first && !csv && first->starts_with("label")) {
    throw Error(name, fmt::format("line 1: header is not \"{}\"", kCsvHeader));
  }
  if (csv) lines.next();
  const std::int64_t n = count_lines(
      lines.rest(), max_samples > 0 ? max_samples : std::numeric_limits<std::int64_t>::max());
  if (n == 0) throw Error(name, "no samples");

  Batch batch;
  batch.size = n;
  batch.dense_features = kCriteoDenseFeatures;
  batch.dense.resize(static_cast<std::size_t>(n * kCriteoDenseFeatures));  // (n, 13) row-major
  batch.labels.resize(static_cast<std::size_t>(n));
  batch.sparse.tables = kCriteoSparseFeatures;
  batch.sparse.samples = n;
  batch.sparse.offsets.resize(static_cast<std::size_t>(n * kCriteoSparseFeatures + 1));
  std::iota(batch.sparse.offsets.begin(), batch.sparse.offsets.end(), std::int64_t{0});
  batch.sparse.ids.resize(static_cast<std::size_t>(n * kCriteoSparseFeatures));  // (26, n)

  const char separator = csv ? ',' : '\t';
  std::array<std::string_view, kFields> fields;
  for (std::int64_t s = 0; s < n; ++s) {
    const std::string_view line = *lines.next();
    const std::int64_t line_number = lines.number();
    const auto fail = [&](int index, std::string_view problem) {
      throw Error(name,
                  fmt::format("line {}, field {}: {}", line_number, field_name(index), problem));
    };
    if (line.empty()) throw Error(name, fmt::format("line {}: empty line", line_number));
    const int count = split_fields(line, separator, fields);
    // Raw lines may leave out trailing empty categoricals (as tools that strip trailing
    // whitespace do): then at least label and I1..I13 remain and the last field is not empty.
    const bool stripped =
        !csv && count >= 1 + kDense && count < kFields && !fields[count - 1].empty();
    if (count != kFields && !stripped) {
      throw Error(name, fmt::format("line {}: {} field{}, expected {}", line_number, count,
                                    count == 1 ? "" : "s", kFields));
    }
    for (int f = count; f < kFields; ++f) fields[f] = {};

    std::int64_t value = 0;
    if (parse_integer(fields[0], value) != IntegerStatus::kOk || (value != 0 && value != 1)) {
      fail(0, fmt::format("{} is not 0 or 1", quoted(fields[0])));
    }
    batch.labels[s] = static_cast<float>(value);

    for (int d = 0; d < kDense; ++d) {
      const std::string_view field = fields[1 + d];
      float dense = 0.0f;
      if (!field.empty()) {
        switch (parse_integer(field, value)) {
          case IntegerStatus::kOk:
            dense = static_cast<float>(std::log1p(static_cast<double>(value > 0 ? value : 0)));
            break;
          case IntegerStatus::kNotANumber:
            fail(1 + d, fmt::format("{} is not a number", quoted(field)));
            break;
          case IntegerStatus::kNotAnInteger:
            fail(1 + d, fmt::format("{} is not an integer", quoted(field)));
            break;
          case IntegerStatus::kOutOfRange:
            fail(1 + d, fmt::format("{} is out of range", quoted(field)));
        }
      }
      batch.dense[s * kCriteoDenseFeatures + d] = dense;
    }

    for (int t = 0; t < kSparse; ++t) {
      const std::string_view field = fields[1 + kDense + t];
      std::optional<std::uint32_t> hex;
      if (!field.empty()) {
        hex = parse_hex(field);
        if (!hex) fail(1 + kDense + t, fmt::format("{} is not 1 to 8 hex digits", quoted(field)));
      }
      batch.sparse.ids[t * n + s] = hashed_row(t, hex, rows[t]);
    }
  }
  return batch;
}

}  // namespace

std::int64_t criteo_row(int feature, std::string_view hex, std::int64_t rows) {
  if (feature < 0 || feature >= kSparse) {
    throw Error("criteo_row", fmt::format("feature {} is outside 0..{}", feature, kSparse - 1));
  }
  if (rows < 1) throw Error("criteo_row", fmt::format("{} rows, expected at least 1", rows));
  std::optional<std::uint32_t> value;
  if (!hex.empty()) {
    value = parse_hex(hex);
    if (!value) throw Error("criteo_row", fmt::format("{} is not 1 to 8 hex digits", quoted(hex)));
  }
  return hashed_row(feature, value, rows);
}

Batch parse_criteo(std::string_view text, const std::string& name, const CriteoOptions& options) {
  return parse_samples(text, name, checked_rows(options), options.max_samples);
}

Batch read_criteo(const std::string& path, const CriteoOptions& options) {
  const std::array<std::int64_t, kSparse> rows = checked_rows(options);  // before reading
  const std::vector<std::byte> bytes = read_file(path);
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return parse_samples(text, path, rows, options.max_samples);
}

}  // namespace tessera::dlrm
