// The Matrix Market reader and writer: every field and symmetry, array files, malformed files
// failing on the right line, results independent of threads and chunk size, bit-exact round
// trips, and the real matrices of the data manifest (R's wrong.mtx among them).
#include "tessera/sparse/matrix_market.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <numbers>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/data_manifest.hpp"
#include "tessera/sparse/traversal.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"
#include "test_matrices.hpp"

namespace tessera::sparse {
namespace {

using tessera::testing::expect_error;
using tessera::testing::TempDir;

/// An entry in storage order, its value as doubles: {} pattern, {x} real, {re, im} complex.
struct Entry {
  std::uint32_t row = 0, col = 0;
  std::vector<double> value;
  bool operator==(const Entry& other) const {
    if (row != other.row || col != other.col || value.size() != other.value.size()) return false;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (std::bit_cast<std::uint64_t>(value[i]) != std::bit_cast<std::uint64_t>(other.value[i])) {
        return false;
      }
    }
    return true;
  }
  friend std::ostream& operator<<(std::ostream& os, const Entry& e) {
    os << "(" << e.row << ", " << e.col;
    for (double v : e.value) os << ", " << v;
    return os << ")";
  }
};

std::vector<Entry> entries(const SparseTensor& t) {
  std::vector<Entry> out;
  for_each_entry(t, [&](const std::uint32_t* x, std::uint64_t p) {
    Entry e{x[0], x[1], {}};
    switch (t.value_type) {
      case ValueType::kF32:
        e.value = {t.values_as<float>()[p]};
        break;
      case ValueType::kF64:
        e.value = {t.values_as<double>()[p]};
        break;
      case ValueType::kC128:
        e.value = {t.values_as<Complex>()[p].real(), t.values_as<Complex>()[p].imag()};
        break;
      case ValueType::kPattern:
        break;
    }
    out.push_back(e);
  });
  return out;
}

/// `text` read as a stream through a pipe, its first bytes handed over as the prefix a caller
/// took to tell the file's kind; the error's message, if it fails.
std::variant<SparseTensor, std::string> parse_streamed(const std::string& text,
                                                       const MatrixMarketOptions& options) {
  int ends[2];
  if (::pipe(ends) != 0) throw std::runtime_error("pipe");
  const std::size_t prefix = std::min<std::size_t>(text.size(), 5);
  std::thread writer([&] {
    for (std::size_t at = prefix; at < text.size();) {
      const ssize_t n = ::write(ends[1], text.data() + at, text.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::close(ends[1]);
  });
  std::variant<SparseTensor, std::string> out;
  try {
    out = read_matrix_market_stream(ends[0], "test.mtx", std::string_view(text).substr(0, prefix),
                                    options);
  } catch (const Error& e) {
    out = std::string(e.what());
  }
  char rest[4096];  // drain what the reader left, so that the writer finishes
  while (::read(ends[0], rest, sizeof rest) > 0) {
  }
  writer.join();
  ::close(ends[0]);
  return out;
}

/// `text` parsed from memory, checked to read the same through a stream (or fail the same way).
SparseTensor parse(const std::string& text, const MatrixMarketOptions& options = {},
                   MatrixMarketHeader* header = nullptr) {
  const std::variant<SparseTensor, std::string> streamed = parse_streamed(text, options);
  try {
    SparseTensor t = parse_matrix_market(text, "test.mtx", options, header);
    EXPECT_TRUE(std::holds_alternative<SparseTensor>(streamed) &&
                std::get<SparseTensor>(streamed) == t)
        << "streamed differently"
        << (std::holds_alternative<std::string>(streamed) ? ": " + std::get<std::string>(streamed)
                                                          : std::string());
    return t;
  } catch (const Error& e) {
    EXPECT_EQ(std::holds_alternative<std::string>(streamed) ? std::get<std::string>(streamed) : "",
              e.what())
        << "streamed with another outcome";
    throw;
  }
}

/// Chunkings that must all give the same result: one chunk, every byte a chunk, and in between.
std::vector<MatrixMarketOptions> chunkings() {
  std::vector<MatrixMarketOptions> out;
  for (const auto& [threads, bytes] : std::vector<std::pair<unsigned, std::size_t>>{
           {1, 1 << 20}, {2, 1 << 20}, {1, 1}, {2, 1}, {2, 5}, {3, 64}, {2, 4096}}) {
    MatrixMarketOptions o;
    o.threads = threads;
    o.chunk_bytes = bytes;
    out.push_back(o);
  }
  return out;
}

std::string banner(const std::string& rest) { return "%%MatrixMarket matrix " + rest + "\n"; }

struct ReadCase {
  std::string text;
  ValueType type;
  std::vector<Entry> want;
};

TEST(MatrixMarketRead, EveryFieldAndSymmetryExpandsAsScipyDoes) {
  const double two53 = 9007199254740992.0;
  const std::vector<ReadCase> cases = {
      {banner("coordinate real general") + "% a comment\n3 4 3\n1 1 1.5\n3 4 -2e3\n2 1 .25\n",
       ValueType::kF64,
       {{0, 0, {1.5}}, {2, 3, {-2000}}, {1, 0, {0.25}}}},
      {banner("coordinate real symmetric") + "3 3 3\n1 1 1\n3 1 2\n3 2 -4\n",
       ValueType::kF64,
       {{0, 0, {1}}, {2, 0, {2}}, {0, 2, {2}}, {2, 1, {-4}}, {1, 2, {-4}}}},
      {banner("coordinate real skew-symmetric") + "3 3 2\n2 1 5\n3 2 -1.5\n",
       ValueType::kF64,
       {{1, 0, {5}}, {0, 1, {-5}}, {2, 1, {-1.5}}, {1, 2, {1.5}}}},
      {banner("coordinate real hermitian") + "2 2 2\n1 1 3\n2 1 4\n",
       ValueType::kF64,
       {{0, 0, {3}}, {1, 0, {4}}, {0, 1, {4}}}},
      {banner("coordinate integer general") + "2 3 2\n1 3 -7\n2 2 +12\n",
       ValueType::kF64,
       {{0, 2, {-7}}, {1, 1, {12}}}},
      {banner("coordinate integer symmetric") + "2 2 2\n1 1 9007199254740992\n2 1 -3\n",
       ValueType::kF64,
       {{0, 0, {two53}}, {1, 0, {-3}}, {0, 1, {-3}}}},
      {banner("coordinate integer skew-symmetric") + "3 3 1\n3 1 4\n",
       ValueType::kF64,
       {{2, 0, {4}}, {0, 2, {-4}}}},
      {banner("coordinate integer hermitian") + "2 2 1\n2 1 6\n",
       ValueType::kF64,
       {{1, 0, {6}}, {0, 1, {6}}}},
      {banner("coordinate complex general") + "2 2 2\n1 2 1.5 -2\n2 1 0 1\n",
       ValueType::kC128,
       {{0, 1, {1.5, -2}}, {1, 0, {0, 1}}}},
      {banner("coordinate complex symmetric") + "2 2 2\n1 1 1 1\n2 1 2 3\n",
       ValueType::kC128,
       {{0, 0, {1, 1}}, {1, 0, {2, 3}}, {0, 1, {2, 3}}}},
      {banner("coordinate complex skew-symmetric") + "2 2 1\n2 1 2 3\n",
       ValueType::kC128,
       {{1, 0, {2, 3}}, {0, 1, {-2, -3}}}},
      {banner("coordinate complex hermitian") + "2 2 2\n1 1 5 0\n2 1 2 3\n",
       ValueType::kC128,
       {{0, 0, {5, 0}}, {1, 0, {2, 3}}, {0, 1, {2, -3}}}},
      {banner("coordinate pattern general") + "3 2 2\n3 2\n1 1\n",
       ValueType::kPattern,
       {{2, 1, {}}, {0, 0, {}}}},
      {banner("coordinate pattern symmetric") + "3 3 2\n2 2\n3 1\n",
       ValueType::kPattern,
       {{1, 1, {}}, {2, 0, {}}, {0, 2, {}}}},
      {banner("coordinate pattern hermitian") + "2 2 1\n2 1\n",
       ValueType::kPattern,
       {{1, 0, {}}, {0, 1, {}}}},
  };
  for (const ReadCase& c : cases) {
    SCOPED_TRACE(c.text);
    MatrixMarketHeader header;
    const SparseTensor t = parse(c.text, {}, &header);
    EXPECT_EQ(t.value_type, c.type);
    EXPECT_EQ(t.format.name, "coo");
    EXPECT_EQ(t.dims, (std::vector<std::uint32_t>{header.rows, header.cols}));
    EXPECT_EQ(entries(t), c.want);
    EXPECT_FALSE(header.array);
  }
}

TEST(MatrixMarketRead, ReturnsTheHeaderAsWritten) {
  MatrixMarketHeader header;
  parse(banner("coordinate complex hermitian") + "4 4 1\n2 1 1 1\n", {}, &header);
  EXPECT_EQ(header, (MatrixMarketHeader{false, MatrixMarketField::kComplex,
                                        MatrixMarketSymmetry::kHermitian, 4, 4, 1}));
  parse(banner("array integer skew-symmetric") + "3 3\n1\n0\n2\n", {}, &header);
  EXPECT_EQ(header, (MatrixMarketHeader{true, MatrixMarketField::kInteger,
                                        MatrixMarketSymmetry::kSkewSymmetric, 3, 3, 3}));
}

TEST(MatrixMarketRead, ArrayFilesKeepTheirNonzeroValues) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<ReadCase> cases = {
      // Column-major: (0,0) (1,0) (0,1) (1,1) (0,2) (1,2).
      {banner("array real general") + "2 3\n1\n0\n-0\n2.5\n-3\n0\n",
       ValueType::kF64,
       {{0, 0, {1}}, {1, 1, {2.5}}, {0, 2, {-3}}}},
      // The lower triangle column by column: (0,0) (1,0) (2,0) (1,1) (2,1) (2,2).
      {banner("array real symmetric") + "3 3\n1\n2\n0\n3\n4\n0\n",
       ValueType::kF64,
       {{0, 0, {1}}, {1, 0, {2}}, {0, 1, {2}}, {1, 1, {3}}, {2, 1, {4}}, {1, 2, {4}}}},
      // Below the diagonal: (1,0) (2,0) (2,1).
      {banner("array real skew-symmetric") + "3 3\n1\n0\n2\n",
       ValueType::kF64,
       {{1, 0, {1}}, {0, 1, {-1}}, {2, 1, {2}}, {1, 2, {-2}}}},
      {banner("array complex hermitian") + "2 2\n1 0\n2 -1\n0 0\n",
       ValueType::kC128,
       {{0, 0, {1, 0}}, {1, 0, {2, -1}}, {0, 1, {2, 1}}}},
      {banner("array integer general") + "2 2\n0\n0\n0\n7\n", ValueType::kF64, {{1, 1, {7}}}},
      {banner("array real general") + "1 2\nnan\n0\n", ValueType::kF64, {{0, 0, {nan}}}},
      {banner("array real skew-symmetric") + "1 1\n", ValueType::kF64, {}},
      {banner("array real general") + "0 5\n", ValueType::kF64, {}},
  };
  for (const ReadCase& c : cases) {
    SCOPED_TRACE(c.text);
    for (const MatrixMarketOptions& o : chunkings()) {
      const SparseTensor t = parse(c.text, o);
      EXPECT_EQ(t.value_type, c.type);
      EXPECT_EQ(entries(t), c.want) << o.threads << " threads, chunks of " << o.chunk_bytes;
    }
  }
}

TEST(MatrixMarketRead, AcceptsAnyCaseCrlfBlankLinesAndCommentsBetweenEntries) {
  const std::string text =
      "%%matrixmarket MATRIX Coordinate REAL General\r\n%c\r\n\r\n 2  2\t2 \r\n1 1 1\r\n"
      "% between\r\n\r\n\t2 2 2\r\n\r\n\n  \n";
  EXPECT_EQ(entries(parse(text)), (std::vector<Entry>{{0, 0, {1}}, {1, 1, {2}}}));
  // Without a final newline, and with no entries at all.
  EXPECT_EQ(entries(parse(banner("coordinate real general") + "2 2 1\n2 1 3")),
            (std::vector<Entry>{{1, 0, {3}}}));
  EXPECT_TRUE(entries(parse(banner("coordinate pattern general") + "0 0 0")).empty());
}

TEST(MatrixMarketRead, ReadsEverySpellingOfARealNumber) {
  const std::vector<std::pair<std::string, double>> spellings = {
      {"+1.5", 1.5},
      {".5", 0.5},
      {"5.", 5.0},
      {"1E3", 1000},
      {"-2.5e-3", -2.5e-3},
      {"inf", std::numeric_limits<double>::infinity()},
      {"-Infinity", -std::numeric_limits<double>::infinity()},
      {"1e-400", 0.0},
      {"-1e-400", -0.0},
      {"4.9e-324", std::numeric_limits<double>::denorm_min()},
      {"0.1", 0.1},
      {"1.7976931348623157e308", std::numeric_limits<double>::max()},
  };
  for (const auto& [text, want] : spellings) {
    const SparseTensor t = parse(banner("coordinate real general") + "1 1 1\n1 1 " + text + "\n");
    EXPECT_EQ(std::bit_cast<std::uint64_t>(t.values_as<double>()[0]),
              std::bit_cast<std::uint64_t>(want))
        << text;
  }
  const SparseTensor nan = parse(banner("coordinate real general") + "1 1 1\n1 1 NaN\n");
  EXPECT_TRUE(std::isnan(nan.values_as<double>()[0]));
}

TEST(MatrixMarketRead, ReadsRealAndIntegerFilesAsF32WhenAsked) {
  MatrixMarketOptions o;
  o.real_type = ValueType::kF32;
  const SparseTensor real = parse(banner("coordinate real skew-symmetric") + "2 2 1\n2 1 0.1\n", o);
  ASSERT_EQ(real.value_type, ValueType::kF32);
  EXPECT_EQ(real.values_as<float>()[0], 0.1f);
  EXPECT_EQ(real.values_as<float>()[1], -0.1f);
  const SparseTensor integer = parse(banner("coordinate integer general") + "2 2 1\n2 1 -3\n", o);
  EXPECT_EQ(integer.values_as<float>()[0], -3.0f);
  expect_error([&] { parse(banner("coordinate real general") + "2 2 1\n2 1 1e39\n", o); },
               {.input = "test.mtx", .contains = "line 3: '1e39' overflows f32"});
  o.real_type = ValueType::kC128;
  expect_error([&] { parse(banner("coordinate real general") + "2 2 0\n", o); },
               {.input = "test.mtx", .contains = "f64 or f32, not c128"});
}

struct BadCase {
  std::string text;
  std::string problem;  // what the error says, "line N: ..." included
};

TEST(MatrixMarketRead, MalformedFilesFailWithTheirLineAndProblem) {
  const std::string real = banner("coordinate real general");
  const std::vector<BadCase> cases = {
      {"", "line 1: the file is empty"},
      {"hello\n", "line 1: no Matrix Market banner"},
      {"%%MatrixMarket matrix coordinate real\n", "line 1: the banner ends before its symmetry"},
      {"%%MatrixMarket vector coordinate real general\n", "line 1: object 'vector' is not"},
      {"%%MatrixMarket matrix sparse real general\n", "line 1: format 'sparse' is neither"},
      {"%%MatrixMarket matrix coordinate double general\n", "line 1: unknown field 'double'"},
      {"%%MatrixMarket matrix coordinate real upper\n", "line 1: unknown symmetry 'upper'"},
      {"%%MatrixMarket matrix coordinate real general x\n", "line 1: unexpected 'x'"},
      {banner("array pattern general") + "2 2\n", "line 1: a pattern matrix has no values"},
      {banner("coordinate pattern skew-symmetric") + "2 2 0\n", "line 1: a skew-symmetric"},
      {real + "% only a comment\n", "line 3: the file ends before the size line"},
      {real + "2 2\n", "line 2: expected the size line 'rows columns entries', found '2 2'"},
      {real + "2 2 1 5\n", "line 2: unexpected '5' after the size line"},
      {real + "2 x 1\n", "line 2: the number of columns 'x' is not a non-negative integer"},
      {real + "2 -2 1\n", "line 2: the number of columns '-2'"},
      {real + "4294967296 2 1\n", "line 2: 4294967296 rows do not fit 32 bits"},
      {real + "2 2 4294967295\n", "line 2: 4294967295 entries do not fit 32 bits"},
      {banner("coordinate real symmetric") + "2 3 1\n",
       "line 2: a symmetric matrix must be square, this one is 2 x 3"},
      {banner("array real general") + "70000 70000\n",
       "line 2: a 70000 x 70000 array holds 4900000000 values"},
      {real + "%\n2 2 1\n0 1 1\n", "line 4: row index 0 is outside 1..2"},
      {real + "2 2 1\n1 3 1\n", "line 3: column index 3 is outside 1..2"},
      {real + "2 2 1\n1 -1 1\n", "line 3: column index -1 is outside 1..2"},
      {real + "2 2 1\n1 99999999999999999999 1\n",
       "line 3: column index '99999999999999999999' is outside 1..2"},
      {real + "2 2 1\n1.5 1 1\n", "line 3: '1.5' is not a row index"},
      {real + "2 2 1\n1\n", "line 3: the entry ends before its column index"},
      {real + "2 2 1\n1 1\n", "line 3: the entry ends before its value"},
      {real + "2 2 1\n1 1 1 2\n", "line 3: '2' after the entry: a real coordinate line has 3"},
      {real + "2 2 1\n1 1 abc\n", "line 3: 'abc' is not a number"},
      {real + "2 2 1\n1 1 0x10\n", "line 3: '0x10' is not a number"},
      {real + "2 2 1\n1 1 1e\n", "line 3: '1e' is not a number"},
      {real + "2 2 1\n1 1 1e999\n", "line 3: '1e999' overflows f64"},
      {real + "2 2 1\n1 1 -1e999\n", "line 3: '-1e999' overflows f64"},
      {banner("coordinate integer general") + "2 2 1\n1 1 1.5\n",
       "line 3: '1.5' is not an integer"},
      {banner("coordinate integer general") + "2 2 1\n1 1 -9007199254740993\n",
       "line 3: integer '-9007199254740993' is beyond 2^53"},
      {banner("coordinate integer general") + "2 2 1\n1 1 99999999999999999999\n",
       "line 3: integer '99999999999999999999' is beyond 2^53"},
      {banner("coordinate complex general") + "2 2 1\n1 1 1\n",
       "line 3: the entry ends before the imaginary part of its value"},
      {banner("coordinate pattern general") + "2 2 1\n1 1 1\n",
       "line 3: '1' after the entry: a pattern coordinate line has 2 numbers"},
      {banner("array real general") + "1 1\n1 2\n",
       "line 3: '2' after the entry: a real array line has 1 number"},
      {banner("coordinate real skew-symmetric") + "2 2 2\n2 1 1\n2 2 1\n",
       "line 4: diagonal entry (2, 2) in a skew-symmetric matrix"},
      {real + "2 2 1\n1 1 1\n% c\n\n2 2 2\n", "line 6: more entries than the 1 the size line says"},
      {real + "2 2 3\n1 1 1\n2 2 2\n", "line 4: the file ends after 2 of the 3 entries"},
      {real + "2 2 3\n1 1 1\n2 2 2\n\n\n", "line 6: the file ends after 2 of the 3 entries"},
      {real + "2 2 3\n1 1 1\n2 2 2", "line 4: the file ends after 2 of the 3 entries"},
      {real + "2 2 1\n", "line 2: the file ends after 0 of the 1 entries"},
      {real + "2 2 1", "line 2: the file ends after 0 of the 1 entries"},
      {banner("array real general") + "1 1\n1\n2\n", "line 4: more values than the 1"},
      {banner("array real general") + "1 2\n5\n", "line 3: the file ends after 1 of the 2 values"},
      {"%%MatrixMarket matrix coordinate real general\r\n2 2 1\r\n1 1 x\r\n",
       "line 3: 'x' is not a number"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.text);
    std::string first;
    for (const MatrixMarketOptions& o : chunkings()) {
      const std::string what =
          expect_error([&] { parse(c.text, o); }, {.input = "test.mtx", .contains = c.problem});
      if (first.empty()) first = what;
      EXPECT_EQ(what, first) << o.threads << " threads, chunks of " << o.chunk_bytes;
    }
  }
}

/// A symmetric real file of `n` entries with comments, blank lines, CRLF lines and a comment
/// longer than the small chunk sizes between them.
std::string generated_file(std::size_t n) {
  std::string text = banner("coordinate real symmetric") + "% generated\n";
  text += fmt::format("500 500 {}\n", n);
  std::uint64_t state = 12345;
  for (std::size_t k = 0; k < n; ++k) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    const std::uint32_t i = static_cast<std::uint32_t>(state >> 33) % 500 + 1;
    const std::uint32_t j = static_cast<std::uint32_t>(state >> 45) % i + 1;
    const double v = static_cast<double>(static_cast<std::int64_t>(state)) / 3e15;
    text += fmt::format("{} {} {}{}", i, j, v, k % 7 == 0 ? "\r\n" : "\n");
    if (k % 97 == 0) text += "% " + std::string(k % 300, 'c') + "\n";
    if (k % 131 == 0) text += "\n";
  }
  return text;
}

TEST(MatrixMarketRead, ResultsDoNotDependOnThreadsOrChunkSize) {
  const std::string text = generated_file(3000);
  MatrixMarketOptions one;
  one.threads = 1;
  one.chunk_bytes = text.size();
  const SparseTensor want = parse(text, one);
  EXPECT_GT(entry_count(want), 3000u);
  for (const MatrixMarketOptions& o : chunkings()) {
    EXPECT_TRUE(parse(text, o) == want) << o.threads << " threads, chunks of " << o.chunk_bytes;
  }
  // From a file: the same tensor, read in chunks of 64 bytes by two threads.
  TempDir dir;
  std::ofstream(dir / "a.mtx", std::ios::binary) << text;
  MatrixMarketOptions small;
  small.chunk_bytes = 64;
  EXPECT_TRUE(read_matrix_market(dir / "a.mtx", small) == want);
  EXPECT_TRUE(read_matrix_market(dir / "a.mtx") == want);
  // From a FIFO (a shell's <(zcat a.mtx.gz)): read as a stream, the same tensor.
  const std::filesystem::path fifo = dir / "fifo.mtx";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
  const SparseTensor from_fifo = read_matrix_market(fifo, small);
  writer.join();
  EXPECT_TRUE(from_fifo == want);
}

TEST(MatrixMarketRead, ErrorsLateInAFileNameTheSameLineForEveryChunking) {
  std::string text = generated_file(2000);
  const std::size_t at = text.find('\n', text.size() / 2) + 1;
  const auto line =
      std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
  text.insert(at, "1 1 oops\n");
  for (const MatrixMarketOptions& o : chunkings()) {
    expect_error([&] { parse(text, o); },
                 {.input = "test.mtx", .contains = fmt::format("line {}: 'oops'", line)});
  }
}

TEST(MatrixMarketRead, ErrorsNameTheFile) {
  TempDir dir;
  expect_error([&] { read_matrix_market(dir / "missing.mtx"); },
               {.input = (dir / "missing.mtx").string()});
  std::ofstream(dir / "bad.mtx") << banner("coordinate real general") << "2 2 1\n3 1 1\n";
  expect_error([&] { read_matrix_market(dir / "bad.mtx"); },
               {.input = (dir / "bad.mtx").string(), .contains = "line 3: row index 3"});
  MatrixMarketOptions o;
  o.chunk_bytes = 0;
  expect_error([&] { parse(banner("coordinate real general") + "0 0 0\n", o); },
               {.input = "test.mtx", .contains = "chunk_bytes must be at least 1"});
}

/// A 4 x 5 COO matrix of f64 values.
SparseTensor f64_matrix(std::vector<std::uint32_t> rows, std::vector<std::uint32_t> cols,
                        const std::vector<double>& values) {
  std::vector<std::byte> bytes(values.size() * 8);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return make_coo({4, 5}, ValueType::kF64, {std::move(rows), std::move(cols)}, bytes);
}

TEST(MatrixMarketWrite, WritesCoordinateGeneralOneBased) {
  const SparseTensor m = f64_matrix({1, 0}, {4, 0}, {0.1, -2});
  EXPECT_EQ(format_matrix_market(m),
            "%%MatrixMarket matrix coordinate real general\n4 5 2\n2 5 0.1\n1 1 -2\n");
  EXPECT_EQ(format_matrix_market(make_coo({2, 2}, ValueType::kPattern, {{1}, {0}}, {})),
            "%%MatrixMarket matrix coordinate pattern general\n2 2 1\n2 1\n");
}

TEST(MatrixMarketWrite, RoundTripsF64BitExactly) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> values = {0.1,
                                      -0.0,
                                      0.0,
                                      std::numeric_limits<double>::denorm_min(),
                                      1e-310,
                                      -2.2250738585072009e-308,
                                      std::numeric_limits<double>::min(),
                                      1e308,
                                      std::numeric_limits<double>::max(),
                                      -std::numeric_limits<double>::max(),
                                      std::numbers::pi,
                                      1.0 / 3,
                                      123456789012345678.0,
                                      inf,
                                      -inf,
                                      std::numeric_limits<double>::quiet_NaN(),
                                      -std::numeric_limits<double>::quiet_NaN()};
  std::vector<std::uint32_t> rows, cols;
  for (std::size_t k = 0; k < values.size(); ++k) {
    rows.push_back(static_cast<std::uint32_t>((k * 7) % 4));  // unsorted, with repeats
    cols.push_back(static_cast<std::uint32_t>(k % 5));
  }
  const SparseTensor m = f64_matrix(rows, cols, values);
  TempDir dir;
  write_matrix_market(m, dir / "m.mtx");
  EXPECT_TRUE(read_matrix_market(dir / "m.mtx") == m);
  EXPECT_TRUE(parse(format_matrix_market(m)) == m);
}

TEST(MatrixMarketWrite, RoundTripsComplexPatternAndF32BitExactly) {
  const std::vector<Complex> c = {{1.5, -0.0}, {5e-324, 1e308}, {-1.0 / 3, std::numbers::e}};
  std::vector<std::byte> bytes(c.size() * sizeof(Complex));
  std::memcpy(bytes.data(), c.data(), bytes.size());
  const SparseTensor complex = make_coo({3, 3}, ValueType::kC128, {{2, 0, 1}, {0, 2, 1}}, bytes);
  EXPECT_TRUE(parse(format_matrix_market(complex)) == complex);

  const SparseTensor pattern = make_coo({5, 2}, ValueType::kPattern, {{4, 0, 4}, {1, 0, 1}}, {});
  EXPECT_TRUE(parse(format_matrix_market(pattern)) == pattern);

  const std::vector<float> f = {0.1f, -0.0f, std::numeric_limits<float>::denorm_min(),
                                std::numeric_limits<float>::max(), 16777217.0f};
  std::vector<std::byte> fbytes(f.size() * 4);
  std::memcpy(fbytes.data(), f.data(), fbytes.size());
  const SparseTensor f32 =
      make_coo({1, 5}, ValueType::kF32, {{0, 0, 0, 0, 0}, {0, 1, 2, 3, 4}}, fbytes);
  MatrixMarketOptions o;
  o.real_type = ValueType::kF32;
  EXPECT_TRUE(parse(format_matrix_market(f32), o) == f32);
}

TEST(MatrixMarketWrite, WritesAnyFormatInItsStorageOrder) {
  const SparseTensor m = f64_matrix({3, 0, 2, 0}, {0, 4, 0, 1}, {1, 2, 3, 4});
  for (const char* name : {"csc", "csr", "dense", "bcsr:2x2"}) {
    const SparseTensor stored = convert(m, parse_format(name, 2));
    const SparseTensor back = parse(format_matrix_market(stored));
    EXPECT_EQ(entries(back), entries(stored)) << name;  // same entries, same order
    EXPECT_EQ(testing::entries_of(back), testing::entries_of(m)) << name;
  }
}

TEST(MatrixMarketWrite, RefusesTensorsThatAreNotMatricesAndLeavesNoFile) {
  TempDir dir;
  const SparseTensor t = make_coo({2, 2, 2}, ValueType::kPattern, {{1}, {0}, {1}}, {});
  expect_error([&] { write_matrix_market(t, dir / "t.mtx"); },
               {.input = (dir / "t.mtx").string(), .contains = "not tensors of order 3"});
  EXPECT_TRUE(dir.listing().empty());
  expect_error([&] { format_matrix_market(t); }, {.input = "matrix"});
}

TEST(MatrixMarketRealFiles, EveryFileReadsWithTheEntriesItsHeaderCounts) {
  std::size_t read = 0;
  std::string skipped;
  for (const DataInput& input : data_manifest().set("real")) {
    if (!input.present) {
      std::cout << "[ skipped  ] " << input.id << ": " << input.missing_reason << "\n";
      skipped = input.missing_reason;
      continue;
    }
    SCOPED_TRACE(input.path.string());
    MatrixMarketHeader header;
    const SparseTensor m = read_matrix_market(input.path, {}, &header);
    EXPECT_EQ(m.dims, (std::vector<std::uint32_t>{header.rows, header.cols}));
    std::uint64_t diagonal = 0;
    for_each_entry(m, [&](const std::uint32_t* x, std::uint64_t) { diagonal += x[0] == x[1]; });
    // Symmetric storage: every off-diagonal entry is there twice.
    EXPECT_EQ(entry_count(m), header.symmetry == MatrixMarketSymmetry::kGeneral
                                  ? header.entries
                                  : 2 * header.entries - diagonal);
    EXPECT_EQ(m.value_type, header.field == MatrixMarketField::kComplex   ? ValueType::kC128
                            : header.field == MatrixMarketField::kPattern ? ValueType::kPattern
                                                                          : ValueType::kF64);
    MatrixMarketOptions small;
    small.chunk_bytes = 4096;
    EXPECT_TRUE(read_matrix_market(input.path, small) == m);
    ++read;
  }
  if (read == 0) GTEST_SKIP() << skipped;
}

TEST(MatrixMarketRealFiles, WrongMtxFailsOnLineThree) {
  const DataInput wrong = data_manifest().input("wrong");
  if (!wrong.present) GTEST_SKIP() << wrong.missing_reason;
  expect_error([&] { read_matrix_market(wrong.path); },
               {.input = wrong.path.string(), .contains = "line 3: row index 0 is outside 1..2"});
}

}  // namespace
}  // namespace tessera::sparse
