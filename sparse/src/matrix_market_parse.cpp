// Parsing of Matrix Market text (NIST's "The Matrix Market Exchange Formats", Boisvert, Pozo and
// Remington, 1996): banner, size line and entry lines, numbers read with std::from_chars. Every
// problem is reported with the line it is on and the token that is wrong.
#include "matrix_market_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <system_error>

#include "tessera/core/error.hpp"

namespace tessera::sparse::matrix_market {
namespace {

constexpr std::string_view kBannerForm =
    "%%MatrixMarket matrix coordinate|array real|integer|complex|pattern "
    "general|symmetric|skew-symmetric|hermitian";
constexpr std::array<std::string_view, 4> kFieldNames = {"real", "integer", "complex", "pattern"};
constexpr std::array<std::string_view, 4> kSymmetryNames = {"general", "symmetric",
                                                            "skew-symmetric", "hermitian"};
constexpr std::int64_t kLargestExactInteger = std::int64_t{1} << 53;

constexpr bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// `text` in quotes for a message: at most 40 bytes, bytes that are not printable as '?'.
std::string quoted(std::string_view text) {
  constexpr std::size_t kLongest = 40;
  std::string out = "'";
  for (char c : text.substr(0, kLongest)) out += c >= ' ' && c <= '~' ? c : '?';
  out += text.size() > kLongest ? "...'" : "'";
  return out;
}

/// The blank-separated tokens of one line, in order; an empty token once they run out.
class Tokens {
 public:
  explicit Tokens(std::string_view line) : p_(line.data()), end_(line.data() + line.size()) {}
  std::string_view next() {
    while (p_ != end_ && is_blank(*p_)) ++p_;
    const char* begin = p_;
    while (p_ != end_ && !is_blank(*p_)) ++p_;
    return {begin, static_cast<std::size_t>(p_ - begin)};
  }

 private:
  const char* p_;
  const char* end_;
};

/// from_chars takes a leading '-' but not '+': the first byte it should see.
const char* after_plus(std::string_view token) {
  const char* p = token.data();
  return !token.empty() && *p == '+' && (token.size() == 1 || p[1] != '-') ? p + 1 : p;
}

/// Whether a decimal number that from_chars found out of range is at least 1 in magnitude (it
/// overflowed) rather than below (it underflowed to zero).
bool magnitude_at_least_one(const char* p, const char* end) {
  if (p != end && *p == '-') ++p;
  std::int64_t exponent = 0;  // of the first significant digit
  bool seen_digit = false, in_fraction = false;
  for (; p != end && *p != 'e' && *p != 'E'; ++p) {
    if (*p == '.') {
      in_fraction = true;
    } else if (!seen_digit && *p == '0') {
      exponent -= in_fraction ? 1 : 0;
    } else if (!seen_digit) {
      seen_digit = true;
      exponent -= in_fraction ? 1 : 0;
    } else if (!in_fraction) {
      ++exponent;
    }
  }
  std::int64_t written = 0;  // the exponent after 'e', saturated
  bool negative = false;
  if (p != end) ++p;
  if (p != end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  for (; p != end; ++p) written = std::min<std::int64_t>(written * 10 + (*p - '0'), 1 << 30);
  return exponent + (negative ? -written : written) >= 0;
}

enum class NumberStatus : std::uint8_t { kOk, kNotNumber, kOverflow, kNotInteger, kBeyondExact };

/// A real number (T float or double): decimal, "inf", "infinity" or "nan" in any case; a value
/// that underflows becomes a signed zero, one that overflows is kOverflow.
template <class T>
NumberStatus parse_real(std::string_view token, T& out) {
  const char* begin = after_plus(token);
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec == std::errc::invalid_argument || ptr != end) return NumberStatus::kNotNumber;
  if (ec == std::errc::result_out_of_range) {
    if (magnitude_at_least_one(begin, end)) return NumberStatus::kOverflow;
    out = *begin == '-' ? -T{0} : T{0};
  }
  return NumberStatus::kOk;
}

/// An integer of at most 2^53 in magnitude (every such integer is a double), as T.
template <class T>
NumberStatus parse_integer(std::string_view token, T& out) {
  const char* end = token.data() + token.size();
  std::int64_t x = 0;
  const auto [ptr, ec] = std::from_chars(after_plus(token), end, x);
  if (ec == std::errc::invalid_argument || ptr != end) return NumberStatus::kNotInteger;
  if (ec == std::errc::result_out_of_range || x > kLargestExactInteger ||
      x < -kLargestExactInteger) {
    return NumberStatus::kBeyondExact;
  }
  out = static_cast<T>(x);
  return NumberStatus::kOk;
}

/// What is wrong with `token`, which parsed with `status` into a value of `type`.
std::string number_problem(NumberStatus status, std::string_view token, ValueType type) {
  switch (status) {
    case NumberStatus::kNotNumber:
      return fmt::format("{} is not a number", quoted(token));
    case NumberStatus::kOverflow:
      return fmt::format("{} overflows {}", quoted(token), to_string(type));
    case NumberStatus::kNotInteger:
      return fmt::format("{} is not an integer", quoted(token));
    case NumberStatus::kBeyondExact:
      return fmt::format("integer {} is beyond 2^53, where doubles stop holding every integer",
                         quoted(token));
    case NumberStatus::kOk:
      break;
  }
  return {};
}

[[noreturn]] void fail_at(std::string_view source, std::uint64_t line, const std::string& problem) {
  throw Error(source, fmt::format("line {}: {}", line, problem));
}

struct NoValue {};

/// Parses entry lines into `out` until the text ends or a line is wrong.
template <MatrixMarketField kField, class T>
class ChunkParser {
 public:
  ChunkParser(const MatrixMarketHeader& header, ValueType type, const ChunkLimits& limits,
              ChunkRecords& out)
      : header_(header), type_(type), limits_(limits), out_(out) {}

  void run(std::string_view text) {
    const char* p = text.data();
    const char* const end = p + text.size();
    std::uint64_t line = 0;
    while (p != end) {
      const char* newline = static_cast<const char*>(std::memchr(p, '\n', end - p));
      const char* line_end = newline != nullptr ? newline : end;
      ++line;
      if (!parse_line({p, static_cast<std::size_t>(line_end - p)})) {
        out_.failure = LineFailure{line, std::move(problem_)};
        return;
      }
      if (newline == nullptr) break;
      ++out_.newlines;
      p = newline + 1;
    }
  }

 private:
  static constexpr int kValueNumbers = kField == MatrixMarketField::kComplex   ? 2
                                       : kField == MatrixMarketField::kPattern ? 0
                                                                               : 1;

  bool fail(std::string problem) {
    problem_ = std::move(problem);
    return false;
  }

  bool parse_line(std::string_view line) {
    Tokens tokens(line);
    const std::string_view first = tokens.next();
    if (first.empty() || first[0] == '%') return true;
    if (out_.records == limits_.records) {
      return fail(fmt::format("more {} than the {} the size line says",
                              header_.array ? "values" : "entries", header_.entries));
    }
    ++out_.records;
    T value{};
    if constexpr (kField != MatrixMarketField::kPattern) {  // parse_banner refuses pattern arrays
      if (header_.array) {
        if (!parse_value(tokens, first, value) || !at_end(tokens)) return false;
        if (value != T{}) {
          out_.ordinals.push_back(out_.records - 1);
          const auto* bytes = reinterpret_cast<const std::byte*>(&value);
          out_.entries.values.insert(out_.entries.values.end(), bytes, bytes + sizeof(T));
        }
        return true;
      }
    }
    std::uint32_t row = 0, col = 0;
    if (!parse_index(first, header_.rows, "row", row) ||
        !parse_index(tokens.next(), header_.cols, "column", col)) {
      return false;
    }
    if constexpr (kField != MatrixMarketField::kPattern) {
      if (!parse_value(tokens, tokens.next(), value)) return false;
    }
    if (!at_end(tokens)) return false;
    const bool mirrored = header_.symmetry != MatrixMarketSymmetry::kGeneral;
    if (mirrored && row == col && header_.symmetry == MatrixMarketSymmetry::kSkewSymmetric) {
      return fail(
          fmt::format("diagonal entry ({}, {}) in a skew-symmetric matrix", row + 1, col + 1));
    }
    if (out_.entries.rows.size() + (mirrored && row != col ? 2 : 1) > limits_.entries) {
      return fail(
          fmt::format("more than {} entries once the symmetric storage is mirrored", kMaxEntries));
    }
    append_entry(out_.entries, row, col, reinterpret_cast<const std::byte*>(&value),
                 kField == MatrixMarketField::kPattern ? 0 : sizeof(T), type_, header_.symmetry);
    return true;
  }

  bool parse_index(std::string_view token, std::uint32_t extent, std::string_view what,
                   std::uint32_t& out) {
    if (token.empty()) return fail(fmt::format("the entry ends before its {} index", what));
    if (token.size() <= 10) {  // plain digits, the common case, without from_chars
      std::uint64_t x = 0;
      bool digits = true;
      for (char c : token) {
        digits = digits && c >= '0' && c <= '9';
        x = x * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (digits && x >= 1 && x <= extent) {
        out = static_cast<std::uint32_t>(x - 1);
        return true;
      }
    }
    const char* end = token.data() + token.size();
    std::int64_t x = 0;
    const auto [ptr, ec] = std::from_chars(after_plus(token), end, x);
    if (ec == std::errc::invalid_argument || ptr != end) {
      return fail(fmt::format("{} is not a {} index", quoted(token), what));
    }
    if (ec == std::errc::result_out_of_range || x < 1 || x > extent) {
      const std::string written = ec == std::errc{} ? std::to_string(x) : quoted(token);
      return fail(fmt::format("{} index {} is outside 1..{}", what, written, extent));
    }
    out = static_cast<std::uint32_t>(x - 1);
    return true;
  }

  /// The value whose first token is `token`: one number, or two for complex.
  bool parse_value(Tokens& tokens, std::string_view token, T& out) {
    if (token.empty()) return fail("the entry ends before its value");
    if constexpr (kField == MatrixMarketField::kReal) {
      return check(parse_real(token, out), token);
    } else if constexpr (kField == MatrixMarketField::kInteger) {
      return check(parse_integer(token, out), token);
    } else {
      double re = 0, im = 0;
      if (!check(parse_real(token, re), token)) return false;
      const std::string_view imaginary = tokens.next();
      if (imaginary.empty()) return fail("the entry ends before the imaginary part of its value");
      if (!check(parse_real(imaginary, im), imaginary)) return false;
      out = T(re, im);
      return true;
    }
  }

  bool check(NumberStatus status, std::string_view token) {
    return status == NumberStatus::kOk || fail(number_problem(status, token, type_));
  }

  bool at_end(Tokens& tokens) {
    const std::string_view extra = tokens.next();
    if (extra.empty()) return true;
    const int numbers = (header_.array ? 0 : 2) + kValueNumbers;
    return fail(fmt::format("{} after the entry: a {} {} line has {} number{}", quoted(extra),
                            kFieldNames[static_cast<int>(kField)],
                            header_.array ? "array" : "coordinate", numbers,
                            numbers == 1 ? "" : "s"));
  }

  const MatrixMarketHeader& header_;
  ValueType type_;
  const ChunkLimits& limits_;
  ChunkRecords& out_;
  std::string problem_;
};

template <MatrixMarketField kField, class T>
ChunkRecords parse_with(std::string_view text, const MatrixMarketHeader& header, ValueType type,
                        const ChunkLimits& limits) {
  ChunkRecords out;
  ChunkParser<kField, T>(header, type, limits, out).run(text);
  return out;
}

/// Flips the sign bit of the IEEE value of `size` bytes at `p` (exactly what negation does).
void negate(std::byte* p, std::size_t size) {
  if (size == 4) {
    std::uint32_t bits;
    std::memcpy(&bits, p, 4);
    bits ^= 0x80000000u;
    std::memcpy(p, &bits, 4);
  } else {
    std::uint64_t bits;
    std::memcpy(&bits, p, 8);
    bits ^= std::uint64_t{1} << 63;
    std::memcpy(p, &bits, 8);
  }
}

}  // namespace

bool is_blank_or_comment(std::string_view line) {
  const std::string_view first = Tokens(line).next();
  return first.empty() || first[0] == '%';
}

MatrixMarketHeader parse_banner(std::string_view line, std::string_view source) {
  const auto fail = [&](const std::string& problem) { fail_at(source, 1, problem); };
  Tokens tokens(line);
  if (!equals_ignoring_case(tokens.next(), "%%MatrixMarket")) {
    fail(
        fmt::format("no Matrix Market banner: expected '{}', found {}", kBannerForm, quoted(line)));
  }
  const auto next = [&](std::string_view what) {
    const std::string_view token = tokens.next();
    if (token.empty()) {
      fail_at(source, 1, fmt::format("the banner ends before its {} ('{}')", what, kBannerForm));
    }
    return token;
  };
  const std::string_view object = next("object");
  if (!equals_ignoring_case(object, "matrix")) {
    fail(fmt::format("object {} is not supported: only matrix", quoted(object)));
  }
  MatrixMarketHeader h;
  const std::string_view format = next("format");
  h.array = equals_ignoring_case(format, "array");
  if (!h.array && !equals_ignoring_case(format, "coordinate")) {
    fail(fmt::format("format {} is neither coordinate nor array", quoted(format)));
  }
  const auto find = [&](std::string_view token, const auto& names, std::string_view what) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (equals_ignoring_case(token, names[i])) return static_cast<std::uint8_t>(i);
    }
    fail_at(source, 1,
            fmt::format("unknown {} {} (expected {}, {}, {} or {})", what, quoted(token), names[0],
                        names[1], names[2], names[3]));
  };
  h.field = static_cast<MatrixMarketField>(find(next("field"), kFieldNames, "field"));
  h.symmetry =
      static_cast<MatrixMarketSymmetry>(find(next("symmetry"), kSymmetryNames, "symmetry"));
  if (const std::string_view extra = tokens.next(); !extra.empty()) {
    fail(fmt::format("unexpected {} after the symmetry", quoted(extra)));
  }
  if (h.array && h.field == MatrixMarketField::kPattern) {
    fail("a pattern matrix has no values to write as an array: it must be coordinate");
  }
  if (h.field == MatrixMarketField::kPattern &&
      h.symmetry == MatrixMarketSymmetry::kSkewSymmetric) {
    fail("a skew-symmetric matrix needs values to negate: it cannot be pattern");
  }
  return h;
}

void parse_size_line(std::string_view line, std::uint64_t line_number, std::string_view source,
                     MatrixMarketHeader& h) {
  const auto fail = [&](const std::string& problem) { fail_at(source, line_number, problem); };
  const auto count = [&](std::string_view token, std::string_view what, std::uint64_t largest) {
    const char* end = token.data() + token.size();
    std::uint64_t x = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), end, x);
    if (ec == std::errc::invalid_argument || ptr != end) {
      fail(fmt::format("the number of {} {} is not a non-negative integer", what, quoted(token)));
    }
    if (ec == std::errc::result_out_of_range || x > largest) {
      fail(fmt::format("{} {} do not fit 32 bits (at most {})", token, what, largest));
    }
    return x;
  };
  const std::string_view form = h.array ? "'rows columns'" : "'rows columns entries'";
  Tokens tokens(line);
  std::array<std::string_view, 3> numbers{};
  for (std::size_t i = 0; i < (h.array ? 2u : 3u); ++i) {
    numbers[i] = tokens.next();
    if (numbers[i].empty()) {
      fail(fmt::format("expected the size line {}, found {}", form, quoted(line)));
    }
  }
  if (const std::string_view extra = tokens.next(); !extra.empty()) {
    fail(fmt::format("unexpected {} after the size line {}", quoted(extra), form));
  }
  h.rows = static_cast<std::uint32_t>(count(numbers[0], "rows", UINT32_MAX));
  h.cols = static_cast<std::uint32_t>(count(numbers[1], "columns", UINT32_MAX));
  if (h.symmetry != MatrixMarketSymmetry::kGeneral && h.rows != h.cols) {
    fail(fmt::format("a {} matrix must be square, this one is {} x {}",
                     kSymmetryNames[static_cast<int>(h.symmetry)], h.rows, h.cols));
  }
  if (!h.array) {
    h.entries = count(numbers[2], "entries", kMaxEntries);
    return;
  }
  const std::uint64_t n = h.rows;
  switch (h.symmetry) {
    case MatrixMarketSymmetry::kGeneral:
      h.entries = n * h.cols;
      break;
    case MatrixMarketSymmetry::kSymmetric:
    case MatrixMarketSymmetry::kHermitian:
      h.entries = n * (n + 1) / 2;
      break;
    case MatrixMarketSymmetry::kSkewSymmetric:
      h.entries = n * (n - (n > 0 ? 1 : 0)) / 2;
      break;
  }
  if (h.entries > kMaxEntries) {
    fail(fmt::format("a {} x {} array holds {} values, more than 32 bits count (at most {})",
                     h.rows, h.cols, h.entries, kMaxEntries));
  }
}

ValueType value_type_for(MatrixMarketField field, ValueType real_type) {
  switch (field) {
    case MatrixMarketField::kComplex:
      return ValueType::kC128;
    case MatrixMarketField::kPattern:
      return ValueType::kPattern;
    case MatrixMarketField::kReal:
    case MatrixMarketField::kInteger:
      break;
  }
  return real_type;
}

void append_entry(EntryArrays& out, std::uint32_t row, std::uint32_t col, const std::byte* value,
                  std::size_t size, ValueType type, MatrixMarketSymmetry symmetry) {
  out.rows.push_back(row);
  out.cols.push_back(col);
  out.values.insert(out.values.end(), value, value + size);
  if (symmetry == MatrixMarketSymmetry::kGeneral || row == col) return;
  out.rows.push_back(col);
  out.cols.push_back(row);
  out.values.insert(out.values.end(), value, value + size);
  std::byte* mirror = out.values.data() + out.values.size() - size;
  if (symmetry == MatrixMarketSymmetry::kSkewSymmetric) {
    const std::size_t part = type == ValueType::kF32 ? 4 : 8;
    for (std::size_t at = 0; at < size; at += part) negate(mirror + at, part);
  } else if (symmetry == MatrixMarketSymmetry::kHermitian && type == ValueType::kC128) {
    negate(mirror + 8, 8);
  }
}

ChunkRecords parse_chunk(std::string_view text, const MatrixMarketHeader& header, ValueType type,
                         const ChunkLimits& limits) {
  switch (header.field) {
    case MatrixMarketField::kReal:
      return type == ValueType::kF32
                 ? parse_with<MatrixMarketField::kReal, float>(text, header, type, limits)
                 : parse_with<MatrixMarketField::kReal, double>(text, header, type, limits);
    case MatrixMarketField::kInteger:
      return type == ValueType::kF32
                 ? parse_with<MatrixMarketField::kInteger, float>(text, header, type, limits)
                 : parse_with<MatrixMarketField::kInteger, double>(text, header, type, limits);
    case MatrixMarketField::kComplex:
      return parse_with<MatrixMarketField::kComplex, Complex>(text, header, type, limits);
    case MatrixMarketField::kPattern:
      return parse_with<MatrixMarketField::kPattern, NoValue>(text, header, type, limits);
  }
  return {};
}

}  // namespace tessera::sparse::matrix_market
