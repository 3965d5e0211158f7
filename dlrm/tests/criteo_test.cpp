// Tests of the Criteo reader: the shared 10k CSV and 1k raw TSV (heads of the same Kaggle file),
// the pinned hash of categoricals, edge cases of small inline texts and every error message.
#include "tessera/dlrm/criteo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/dlrm/data_manifest.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

using tessera::testing::expect_error;

constexpr std::string_view kHeader =
    "label,I1,I2,I3,I4,I5,I6,I7,I8,I9,I10,I11,I12,I13,C1,C2,C3,C4,C5,C6,C7,C8,C9,C10,C11,C12,"
    "C13,C14,C15,C16,C17,C18,C19,C20,C21,C22,C23,C24,C25,C26";

/// The lines of the file at `path`, read independently of the reader under test.
std::vector<std::string> file_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// A raw line: label, 13 dense fields, then the categoricals, joined by `separator`; categoricals
/// not given are empty.
std::string make_line(std::string_view label, const std::vector<std::string>& dense,
                      const std::vector<std::string>& sparse, char separator) {
  std::string line(label);
  for (std::size_t i = 0; i < 13; ++i) line += separator + (i < dense.size() ? dense[i] : "");
  for (std::size_t i = 0; i < 26; ++i) line += separator + (i < sparse.size() ? sparse[i] : "");
  return line;
}

/// The 26 categoricals "00000000".."00000019" (hex of 0..25).
std::vector<std::string> counting_hex() {
  std::vector<std::string> hex;
  for (int t = 0; t < 26; ++t) {
    char text[9];
    std::snprintf(text, sizeof text, "%08x", t);
    hex.emplace_back(text);
  }
  return hex;
}

/// Expects the Batch invariants of a Criteo batch of `n` samples with `rows` rows per table.
void expect_shape(const Batch& b, std::int64_t n, const std::vector<std::int64_t>& rows) {
  ASSERT_EQ(b.size, n);
  EXPECT_EQ(b.dense_features, 13);
  EXPECT_EQ(b.dense.size(), static_cast<std::size_t>(n * 13));
  EXPECT_EQ(b.labels.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(b.sparse.tables, 26);
  EXPECT_EQ(b.sparse.samples, n);
  ASSERT_EQ(b.sparse.offsets.size(), static_cast<std::size_t>(26 * n + 1));
  for (std::size_t i = 0; i < b.sparse.offsets.size(); ++i) {
    ASSERT_EQ(b.sparse.offsets[i], static_cast<std::int64_t>(i));
  }
  ASSERT_EQ(b.sparse.ids.size(), static_cast<std::size_t>(26 * n));
  EXPECT_TRUE(b.sparse.weights.empty());
  for (std::int64_t t = 0; t < 26; ++t) {
    const std::int64_t table_rows = rows.size() == 1 ? rows[0] : rows[t];
    for (std::int64_t s = 0; s < n; ++s) {
      const std::int64_t id = b.sparse.ids[t * n + s];
      ASSERT_TRUE(id >= 0 && id < table_rows) << "table " << t << " sample " << s << ": " << id;
    }
  }
  for (const float label : b.labels) ASSERT_TRUE(label == 0.0f || label == 1.0f);
}

/// The id of bag (t, s) of `b`.
std::int64_t id_of(const Batch& b, std::int64_t t, std::int64_t s) {
  return b.sparse.ids[t * b.size + s];
}

/// The error message parse_criteo gives for `text` named "in.txt" (a test failure if none).
std::string parse_error(std::string_view text, const CriteoOptions& options = {}) {
  return expect_error([&] { parse_criteo(text, "in.txt", options); }, {.input = "in.txt"});
}

/// splitmix64 as published (Vigna), for checking criteo_row's formula independently.
std::uint64_t reference_splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

TEST(CriteoRow, IsSplitmix64OfFeatureAndValueModuloRows) {
  EXPECT_EQ(reference_splitmix64(0), 0xE220A8397B1DCDAFULL);  // splitmix64's first output, seed 0
  const std::uint64_t missing = std::uint64_t{1} << 32;
  for (int feature : {0, 7, 25}) {
    for (std::int64_t rows : {std::int64_t{1}, std::int64_t{97}, std::int64_t{1} << 40}) {
      const auto expected = [&](std::uint64_t value) {
        const std::uint64_t key = (static_cast<std::uint64_t>(feature) << 33) | value;
        return static_cast<std::int64_t>(reference_splitmix64(key) %
                                         static_cast<std::uint64_t>(rows));
      };
      EXPECT_EQ(criteo_row(feature, "68fd1e64", rows), expected(0x68fd1e64));
      EXPECT_EQ(criteo_row(feature, "ffffffff", rows), expected(0xffffffff));
      EXPECT_EQ(criteo_row(feature, "0", rows), expected(0));
      EXPECT_EQ(criteo_row(feature, "", rows), expected(missing));
    }
  }
}

TEST(CriteoRow, IsPinnedForever) {
  // Same file + same rows -> same ids forever: these values must never change.
  EXPECT_EQ(criteo_row(0, "68fd1e64", 1'000'000), 649113);
  EXPECT_EQ(criteo_row(25, "9727dd16", 1'000'000), 107689);
  EXPECT_EQ(criteo_row(0, "0", 1'000'000), 607535);
  EXPECT_EQ(criteo_row(0, "", 1'000'000), 56);
  EXPECT_EQ(criteo_row(25, "ffffffff", std::int64_t{1} << 40), 84351096946);
  EXPECT_EQ(criteo_row(3, "1", 7), 0);
}

TEST(CriteoRow, ReadsHexOfEitherCaseAndAnyWidth) {
  EXPECT_EQ(criteo_row(4, "ABCDEF01", 1'000'003), criteo_row(4, "abcdef01", 1'000'003));
  EXPECT_EQ(criteo_row(4, "00000001", 1'000'003), criteo_row(4, "1", 1'000'003));
  EXPECT_EQ(criteo_row(4, "0001f", 1'000'003), criteo_row(4, "1F", 1'000'003));
  EXPECT_NE(criteo_row(4, "0", 1'000'003), criteo_row(4, "", 1'000'003));
  EXPECT_NE(criteo_row(4, "1f", 1'000'003), criteo_row(5, "1f", 1'000'003));
  EXPECT_EQ(criteo_row(4, "1f", 1), 0);
}

TEST(CriteoRow, RejectsBadArguments) {
  EXPECT_EQ(expect_error([] { criteo_row(26, "1", 10); }, {.input = "criteo_row"}),
            "criteo_row: feature 26 is outside 0..25");
  EXPECT_EQ(expect_error([] { criteo_row(-1, "1", 10); }, {.input = "criteo_row"}),
            "criteo_row: feature -1 is outside 0..25");
  EXPECT_EQ(expect_error([] { criteo_row(0, "1", 0); }, {.input = "criteo_row"}),
            "criteo_row: 0 rows, expected at least 1");
  EXPECT_EQ(expect_error([] { criteo_row(0, "123456789", 10); }, {.input = "criteo_row"}),
            "criteo_row: '123456789' is not 1 to 8 hex digits");
  EXPECT_EQ(expect_error([] { criteo_row(0, "0x1f", 10); }, {.input = "criteo_row"}),
            "criteo_row: '0x1f' is not 1 to 8 hex digits");
  EXPECT_EQ(expect_error([] { criteo_row(0, "-1", 10); }, {.input = "criteo_row"}),
            "criteo_row: '-1' is not 1 to 8 hex digits");
}

TEST(CriteoFiles, Sample10kCsvParsesEveryRow) {
  const DataInput in = data_manifest().input("criteo-10k");
  if (!in.present) GTEST_SKIP() << in.missing_reason;
  const std::vector<std::string> lines = file_lines(in.path);
  ASSERT_EQ(lines.size(), 10000u);
  ASSERT_EQ(lines[0], kHeader);
  std::int64_t positives = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) positives += lines[i].starts_with("1,") ? 1 : 0;

  const Batch b = read_criteo(in.path.string(), {});
  expect_shape(b, 9999, {1'000'000});
  double label_sum = 0.0;
  for (const float label : b.labels) label_sum += label;
  EXPECT_EQ(label_sum, static_cast<double>(positives));
  EXPECT_EQ(positives, 2181);  // 21.8% positives
  EXPECT_NEAR(label_sum / 9999.0, 0.218, 0.001);

  // Line 2: 0,1.0,1,5.0,0.0,1382.0,4.0,15.0,2.0,181.0,1.0,2.0,,2.0,68fd1e64,80e26c9b,...
  EXPECT_EQ(b.labels[0], 0.0f);
  const double dense[13] = {1, 1, 5, 0, 1382, 4, 15, 2, 181, 1, 2, 0, 2};
  for (int d = 0; d < 13; ++d) {
    EXPECT_EQ(b.dense[d], static_cast<float>(std::log1p(dense[d]))) << "I" << d + 1;
  }
  const std::vector<std::string> hex = {
      "68fd1e64", "80e26c9b", "fb936136", "7b4723c4", "25c83c98", "7e0ccccf", "de7995b8",
      "1f89b562", "a73ee510", "a8cd5504", "b2cb9c98", "37c9c164", "2824a5f6", "1adce6ef",
      "8ba8b39a", "891b62e7", "e5ba7672", "f54016b9", "21ddcdc9", "b1252a9d", "07b5194c",
      "",         "3a171ecb", "c5c50484", "e8b83407", "9727dd16"};
  const std::int64_t pinned[26] = {649113, 844690, 781074, 53550,  566126, 510885, 896172,
                                   712342, 34473,  466087, 486616, 396680, 270195, 612210,
                                   828804, 721343, 729271, 162953, 353991, 958533, 614042,
                                   401780, 328806, 871517, 969965, 107689};
  for (int t = 0; t < 26; ++t) {
    EXPECT_EQ(id_of(b, t, 0), criteo_row(t, hex[t], 1'000'000)) << "C" << t + 1;
    EXPECT_EQ(id_of(b, t, 0), pinned[t]) << "C" << t + 1;
  }
}

TEST(CriteoFiles, RawTsvEqualsTheHeadOfTheCsv) {
  const DataInput csv = data_manifest().input("criteo-10k");
  const DataInput tsv = data_manifest().input("criteo-raw-1k");
  if (!csv.present) GTEST_SKIP() << csv.missing_reason;
  if (!tsv.present) GTEST_SKIP() << tsv.missing_reason;
  // Half of the raw lines lack their trailing empty categoricals (stripped trailing tabs).
  std::size_t short_lines = 0;
  for (const std::string& line : file_lines(tsv.path)) {
    short_lines += std::count(line.begin(), line.end(), '\t') < 39 ? 1 : 0;
  }
  EXPECT_GT(short_lines, 0u);

  const std::vector<std::int64_t> per_feature = {3,   1 << 20, 10, 1,  77, 5,  9,  2,  8,
                                                 100, 6,       4,  1,  3,  2,  11, 13, 17,
                                                 19,  23,      29, 31, 37, 41, 43, 47};
  for (const std::vector<std::int64_t>& rows :
       {std::vector<std::int64_t>{1'000'000}, per_feature}) {
    const Batch raw = read_criteo(tsv.path.string(), {.rows = rows, .max_samples = 0});
    expect_shape(raw, 1000, rows);
    const Batch head = read_criteo(csv.path.string(), {.rows = rows, .max_samples = 1000});
    expect_shape(head, 1000, rows);
    EXPECT_EQ(raw.labels, head.labels);
    EXPECT_EQ(raw.dense, head.dense);
    EXPECT_EQ(raw.sparse.ids, head.sparse.ids);
  }
}

TEST(CriteoFiles, MaxSamplesTakesTheHead) {
  const DataInput in = data_manifest().input("criteo-10k");
  if (!in.present) GTEST_SKIP() << in.missing_reason;
  const Batch all = read_criteo(in.path.string(), {});
  const Batch head = read_criteo(in.path.string(), {.rows = {1'000'000}, .max_samples = 10});
  expect_shape(head, 10, {1'000'000});
  EXPECT_EQ(head.labels, std::vector<float>(all.labels.begin(), all.labels.begin() + 10));
  EXPECT_EQ(head.dense, std::vector<float>(all.dense.begin(), all.dense.begin() + 130));
  for (std::int64_t t = 0; t < 26; ++t) {
    for (std::int64_t s = 0; s < 10; ++s) EXPECT_EQ(id_of(head, t, s), id_of(all, t, s));
  }
  const Batch more = read_criteo(in.path.string(), {.rows = {1'000'000}, .max_samples = 20'000});
  EXPECT_EQ(more.size, 9999);
}

TEST(CriteoFiles, AMissingFileIsNamed) {
  expect_error([] { read_criteo("/nonexistent/criteo.csv", {}); },
               {.input = "/nonexistent/criteo.csv"});
  // Options are checked before the file is read.
  expect_error([] { read_criteo("/nonexistent/criteo.csv", {.rows = {}, .max_samples = 0}); },
               {.input = "rows"});
}

TEST(CriteoParse, CsvAndTsvOfTheSameSamplesAgree) {
  const std::vector<std::string> dense = {"1.0", "-1",  "",  "0.0", "1382.0", "4", "15",
                                          "2",   "181", "1", "2",   "",       "2"};
  const std::vector<std::string> tsv_dense = {"1", "-1",  "",  "0", "1382", "4", "15",
                                              "2", "181", "1", "2", "",     "2"};
  const std::string csv = std::string(kHeader) + "\n" + make_line("1", dense, counting_hex(), ',') +
                          "\n" + make_line("0", {}, {}, ',') + "\n";
  const std::string tsv =
      make_line("1", tsv_dense, counting_hex(), '\t') + "\n" + make_line("0", {}, {}, '\t') + "\n";
  const Batch a = parse_criteo(csv, "a.csv", {});
  const Batch b = parse_criteo(tsv, "b.tsv", {});
  expect_shape(a, 2, {1'000'000});
  EXPECT_EQ(a.labels, (std::vector<float>{1, 0}));
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.dense, b.dense);
  EXPECT_EQ(a.sparse.ids, b.sparse.ids);
  const std::vector<std::string> hex = counting_hex();
  for (int t = 0; t < 26; ++t) {
    EXPECT_EQ(id_of(a, t, 0), criteo_row(t, hex[t], 1'000'000));
    EXPECT_EQ(id_of(a, t, 1), criteo_row(t, "", 1'000'000));
  }
}

TEST(CriteoParse, DenseIsLogOnePlusTheNonNegativePart) {
  const std::string text =
      make_line("0",
                {"0", "1", "-1", "-5.0", "", "7.00", "1000000", "9223372036854775807", "3", "", "",
                 "", "-9223372036854775808"},
                counting_hex(), '\t');
  const Batch b = parse_criteo(text, "in.tsv", {});
  const std::vector<float> expected = {0.0f,
                                       static_cast<float>(std::log1p(1.0)),
                                       0.0f,
                                       0.0f,
                                       0.0f,
                                       static_cast<float>(std::log1p(7.0)),
                                       static_cast<float>(std::log1p(1e6)),
                                       static_cast<float>(std::log1p(9223372036854775807.0)),
                                       static_cast<float>(std::log1p(3.0)),
                                       0.0f,
                                       0.0f,
                                       0.0f,
                                       0.0f};
  EXPECT_EQ(b.dense, expected);
}

TEST(CriteoParse, AcceptsCrlfNoFinalNewlineUppercaseAndShortHex) {
  const std::vector<std::string> lower = {"1f", "abcdef01", "0"};
  const std::vector<std::string> upper = {"0001F", "ABCDEF01", "00000000"};
  const std::string expected = make_line("1", {"5"}, lower, '\t') + "\n";
  const Batch want = parse_criteo(expected, "want.tsv", {});
  for (const std::string& text :
       {make_line("1", {"5"}, upper, '\t'), make_line("1", {"5"}, upper, '\t') + "\r\n",
        make_line("1", {"5.0"}, lower, '\t') + "\r\n"}) {
    const Batch b = parse_criteo(text, "in.tsv", {});
    EXPECT_EQ(b.labels, want.labels);
    EXPECT_EQ(b.dense, want.dense);
    EXPECT_EQ(b.sparse.ids, want.sparse.ids);
  }
  const std::string crlf_csv = std::string(kHeader) + "\r\n" + make_line("1", {"5.0"}, upper, ',') +
                               "\r\n" + make_line("1", {"5"}, lower, ',');
  const Batch b = parse_criteo(crlf_csv, "in.csv", {});
  expect_shape(b, 2, {1'000'000});
  for (int t = 0; t < 26; ++t) EXPECT_EQ(id_of(b, t, 0), id_of(want, t, 0));
  EXPECT_EQ(id_of(b, 0, 1), id_of(want, 0, 0));
}

TEST(CriteoParse, RawLinesMayLeaveOutTrailingEmptyCategoricals) {
  const std::string full =
      make_line("1", {"3"}, {"a", "b", "c"}, '\t') + "\n" +
      make_line("0", {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"}, {},
                '\t');
  std::string stripped;  // full without the tabs before each line end: 17 and 14 fields
  for (const char c : full + "\n") {
    if (c == '\n') {
      while (stripped.back() == '\t') stripped.pop_back();
    }
    stripped += c;
  }
  ASSERT_EQ(std::count(stripped.begin(), stripped.end(), '\t'), 16 + 13);
  const Batch a = parse_criteo(full, "a.tsv", {});
  const Batch b = parse_criteo(stripped, "b.tsv", {});
  expect_shape(b, 2, {1'000'000});
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.dense, b.dense);
  EXPECT_EQ(a.sparse.ids, b.sparse.ids);
  EXPECT_EQ(id_of(b, 25, 0), criteo_row(25, "", 1'000'000));
}

TEST(CriteoParse, PerFeatureRows) {
  std::vector<std::int64_t> rows;
  for (std::int64_t t = 0; t < 26; ++t) rows.push_back(t + 1);
  const std::vector<std::string> hex = counting_hex();
  const Batch b = parse_criteo(make_line("0", {}, hex, '\t'), "in.tsv", {.rows = rows});
  expect_shape(b, 1, rows);
  for (int t = 0; t < 26; ++t) EXPECT_EQ(id_of(b, t, 0), criteo_row(t, hex[t], t + 1));
  EXPECT_EQ(id_of(b, 0, 0), 0);
}

TEST(CriteoParse, MaxSamplesStopsBeforeLaterLines) {
  const std::string text = make_line("1", {}, {}, '\t') + "\n" + make_line("0", {}, {}, '\t') +
                           "\n" + "not a sample\n\n";
  const Batch b = parse_criteo(text, "in.tsv", {.rows = {10}, .max_samples = 2});
  expect_shape(b, 2, {10});
  EXPECT_EQ(b.labels, (std::vector<float>{1, 0}));
}

TEST(CriteoParse, RejectsBadOptions) {
  EXPECT_EQ(expect_error([] { parse_criteo("", "in.txt", {.rows = {}, .max_samples = 0}); },
                         {.input = "rows", .code = ExitCode::kUsage}),
            "rows: 0 values, expected 1 or 26");
  EXPECT_EQ(expect_error(
                [] {
                  parse_criteo("", "in.txt", {.rows = {1, 2}, .max_samples = 0});
                },
                {.input = "rows"}),
            "rows: 2 values, expected 1 or 26");
  EXPECT_EQ(expect_error([] { parse_criteo("", "in.txt", {.rows = {0}, .max_samples = 0}); },
                         {.input = "rows"}),
            "rows: table 0 has 0 rows, expected at least 1");
  std::vector<std::int64_t> rows(26, 5);
  rows[7] = -3;
  EXPECT_EQ(expect_error([&] { parse_criteo("", "in.txt", {.rows = rows, .max_samples = 0}); },
                         {.input = "rows"}),
            "rows: table 7 has -3 rows, expected at least 1");
  EXPECT_EQ(expect_error([] { parse_criteo("", "in.txt", {.rows = {5}, .max_samples = -1}); },
                         {.input = "max_samples", .code = ExitCode::kUsage}),
            "max_samples: is -1, expected at least 0");
}

TEST(CriteoParse, RejectsTextsWithoutSamples) {
  EXPECT_EQ(parse_error(""), "in.txt: no samples");
  EXPECT_EQ(parse_error(kHeader), "in.txt: no samples");
  EXPECT_EQ(parse_error(std::string(kHeader) + "\r\n"), "in.txt: no samples");
  EXPECT_EQ(parse_error("\n"), "in.txt: line 1: empty line");
  EXPECT_EQ(parse_error("label,I1,I2\n1,2,3\n"),
            "in.txt: line 1: header is not \"" + std::string(kHeader) + "\"");
}

TEST(CriteoParse, RejectsBadLinesNamingLineAndField) {
  const std::string good = make_line("0", {"1"}, {"ab"}, '\t');
  const auto with_line = [&](const std::string& line) { return good + "\n" + line + "\n"; };
  const auto csv_with_line = [&](const std::string& line) {
    return std::string(kHeader) + "\n" + make_line("0", {}, {}, ',') + "\n" + line + "\n";
  };
  // Empty lines inside and doubled newlines at the end.
  EXPECT_EQ(parse_error(good + "\n\n" + good), "in.txt: line 2: empty line");
  EXPECT_EQ(parse_error(good + "\r\n\r\n" + good), "in.txt: line 2: empty line");
  EXPECT_EQ(parse_error(good + "\n\n"), "in.txt: line 2: empty line");
  // Field counts.
  std::string two_short = make_line("0", {}, {}, ',');
  two_short.resize(two_short.size() - 2);
  EXPECT_EQ(parse_error(csv_with_line(two_short)), "in.txt: line 3: 38 fields, expected 40");
  EXPECT_EQ(parse_error(csv_with_line(make_line("0", {}, {}, ',') + ",")),
            "in.txt: line 3: 41 fields, expected 40");
  EXPECT_EQ(parse_error(with_line(make_line("0", {}, {}, '\t') + "\t\t")),
            "in.txt: line 2: 42 fields, expected 40");
  EXPECT_EQ(parse_error(with_line("1\t2\t3")), "in.txt: line 2: 3 fields, expected 40");
  EXPECT_EQ(parse_error(with_line("0\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13\t1f\t")),
            "in.txt: line 2: 16 fields, expected 40");
  EXPECT_EQ(parse_error(with_line(make_line("0", {}, {}, ','))),
            "in.txt: line 2: 1 field, expected 40");
  // Labels.
  EXPECT_EQ(parse_error(with_line(make_line("2", {}, {}, '\t'))),
            "in.txt: line 2, field label: '2' is not 0 or 1");
  EXPECT_EQ(parse_error(with_line(make_line("", {}, {}, '\t'))),
            "in.txt: line 2, field label: '' is not 0 or 1");
  EXPECT_EQ(parse_error(with_line(make_line("yes", {}, {}, '\t'))),
            "in.txt: line 2, field label: 'yes' is not 0 or 1");
  EXPECT_EQ(parse_error(with_line(make_line("0.5", {}, {}, '\t'))),
            "in.txt: line 2, field label: '0.5' is not 0 or 1");
  // Dense fields.
  EXPECT_EQ(parse_error(csv_with_line(make_line("0", {"", "", "", "", "abc"}, {}, ','))),
            "in.txt: line 3, field I5: 'abc' is not a number");
  EXPECT_EQ(parse_error(with_line(make_line("0", {"1.5"}, {}, '\t'))),
            "in.txt: line 2, field I1: '1.5' is not an integer");
  EXPECT_EQ(parse_error(with_line(make_line("0", {"1."}, {}, '\t'))),
            "in.txt: line 2, field I1: '1.' is not a number");
  EXPECT_EQ(parse_error(with_line(make_line("0", {"1e3"}, {}, '\t'))),
            "in.txt: line 2, field I1: '1e3' is not a number");
  EXPECT_EQ(parse_error(with_line(make_line("0", {" 1"}, {}, '\t'))),
            "in.txt: line 2, field I1: ' 1' is not a number");
  EXPECT_EQ(parse_error(with_line(make_line("0", {"+1"}, {}, '\t'))),
            "in.txt: line 2, field I1: '+1' is not a number");
  EXPECT_EQ(parse_error(with_line(make_line(
                "0", {"", "", "", "", "", "", "", "", "", "", "", "", "99999999999999999999"}, {},
                '\t'))),
            "in.txt: line 2, field I13: '99999999999999999999' is out of range");
  // Categoricals.
  EXPECT_EQ(parse_error(with_line(make_line("0", {}, {"xyz"}, '\t'))),
            "in.txt: line 2, field C1: 'xyz' is not 1 to 8 hex digits");
  EXPECT_EQ(parse_error(with_line(make_line("0", {}, {"", "", "123456789"}, '\t'))),
            "in.txt: line 2, field C3: '123456789' is not 1 to 8 hex digits");
  std::vector<std::string> last(26);
  last[25] = "0x1f";
  EXPECT_EQ(parse_error(with_line(make_line("0", {}, last, '\t'))),
            "in.txt: line 2, field C26: '0x1f' is not 1 to 8 hex digits");
  // A stray carriage return and a long field are quoted readably.
  EXPECT_EQ(parse_error(with_line(make_line("0", {}, {"ab\rcd"}, '\t'))),
            "in.txt: line 2, field C1: 'ab\\x0dcd' is not 1 to 8 hex digits");
  EXPECT_EQ(parse_error(with_line(make_line("0", {}, {std::string(40, 'g')}, '\t'))),
            "in.txt: line 2, field C1: '" + std::string(32, 'g') + "...' is not 1 to 8 hex digits");
}

}  // namespace
}  // namespace tessera::dlrm
