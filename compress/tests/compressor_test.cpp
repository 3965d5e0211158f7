// Whole-stream compression: the bound holds for every shape, type and mode; bytes do not depend on
// the thread count; codebook modes and sets behave; corrupt or truncated streams fail with clear
// errors; real fields round-trip.
#include "tessera/compress/compressor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "tessera/compress/codebook.hpp"
#include "tessera/compress/field_io.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"
#include "test_fields.hpp"

namespace tessera::compress {
namespace {

using tessera::testing::expect_error;
using testing::compress_with_threads;
using testing::wave_field;

void expect_bound_holds(const Field& original, const Field& decoded, double eb) {
  const BoundCheck check = check_abs_bound(original, decoded, eb);
  EXPECT_TRUE(check.ok) << check.violations << " violations, first at " << check.first_violation;
}

struct ShapeCase {
  const char* name;
  std::vector<std::size_t> shape;
};

class CompressorShapes : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(CompressorShapes, EveryModeAndTypeHoldsTheBound) {
  for (DataType type : {DataType::kFloat32, DataType::kFloat64}) {
    const Field f = wave_field(type, GetParam().shape, 1);
    for (const ErrorBound& bound :
         {ErrorBound{BoundMode::kAbs, 0.05, 0}, ErrorBound{BoundMode::kRel, 0, 1e-2},
          ErrorBound{BoundMode::kRel, 0, 1e-4}, ErrorBound{BoundMode::kRel, 0, 1e-6},
          ErrorBound{BoundMode::kAbsAndRel, 1e-3, 1e-2}}) {
      CompressOptions options;
      options.bound = bound;
      options.chunk_values = 4096;  // several chunks even for small fields
      CompressResult result;
      const auto stream = compress_to_memory(f, options, &result);
      const Field back = decompress(stream, "test.tsz");
      ASSERT_EQ(back.shape, f.shape);
      ASSERT_EQ(back.type, f.type);
      expect_bound_holds(f, back, result.header.error_bound);
      EXPECT_EQ(result.output_bytes, stream.size());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, CompressorShapes,
                         ::testing::Values(ShapeCase{"d1", {20000}}, ShapeCase{"d2", {123, 77}},
                                           ShapeCase{"d3", {9, 31, 40}},
                                           ShapeCase{"d4", {3, 5, 17, 19}},
                                           ShapeCase{"one_value", {1}}),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(Compressor, SmoothFieldsCompressWell) {
  const Field f = wave_field(DataType::kFloat32, {256, 256}, 2);
  CompressOptions options;
  options.bound = {BoundMode::kRel, 0, 1e-3};
  CompressResult result;
  compress_to_memory(f, options, &result);
  EXPECT_GT(result.ratio(), 8.0);
}

TEST(Compressor, BytesAreIdenticalForAnyThreadCount) {
  const Field f = wave_field(DataType::kFloat64, {40, 64, 64}, 3);
  CompressOptions options;
  options.bound = {BoundMode::kRel, 0, 1e-4};
  options.chunk_values = 8192;
  EXPECT_EQ(compress_with_threads(f, options, 1), compress_with_threads(f, options, 2));
}

// Chunks of 64 rows that call for every codebook source at ABS 1e-3: noisy waves, whose many
// codes an offline book codes for less than their own table costs, then two identical chunks of a
// few far-apart residuals (their own code, then reused), then waves again.
Field mixed_field() {
  Field f = wave_field(DataType::kFloat32, {256, 64}, 7, 0.01);
  auto v = f.values<float>();
  for (std::size_t i = 64 * 64; i < 192 * 64; ++i) {
    const std::size_t x = i % 64;
    const std::size_t y = i / 64;
    v[i] = static_cast<float>(static_cast<double>(x * x % 7 + y % 8) * 0.022);
  }
  return f;
}

// Books trained on waves like those of mixed_field.
const CodebookSet& wave_books() {
  static const CodebookSet set = [] {
    std::vector<Field> fields;
    fields.push_back(wave_field(DataType::kFloat32, {128, 64}, 11, 0.01));
    TrainingOptions options;
    options.bit_rates = {2, 3, 4, 5, 6};
    options.chunk_values = 64 * 64;
    return train_codebooks(fields, options);
  }();
  return set;
}

CompressOptions mixed_options(Lossless lossless) {
  CompressOptions options;
  options.codebooks = &wave_books();
  options.bound = {BoundMode::kAbs, 0.001, 0};
  options.chunk_values = 64 * 64;
  options.lossless = lossless;
  return options;
}

TEST(Compressor, AutoModeUsesEveryCodebookSourceWithTheSameBytesForAnyThreadCount) {
  const Field f = mixed_field();
  for (Lossless lossless : {Lossless::kZstd, Lossless::kNone}) {
    const CompressOptions options = mixed_options(lossless);
    CompressResult result;
    std::vector<std::byte> one, two;
    {
      const ThreadCountScope threads(1);
      one = compress_to_memory(f, options, &result);
    }
    {
      const ThreadCountScope threads(2);
      two = compress_to_memory(f, options);
    }
    EXPECT_EQ(one, two);
    EXPECT_EQ(result.header.codebook_set, kCustomCodebookSet);
    for (std::size_t source = 0; source < kCodebookSources; ++source) {
      EXPECT_GT(result.chunks_by_source[source], 0u) << source;
    }
    expect_bound_holds(f, decompress(one, "mixed.tsz", options.codebooks), options.bound.abs);
  }
}

TEST(Compressor, AutoIsNeverLargerThanInlineOnlyAndOfflineOnlyRoundTrips) {
  std::vector<Field> fields;
  fields.push_back(mixed_field());
  fields.push_back(wave_field(DataType::kFloat64, {12, 40, 50}, 8));
  fields.push_back(wave_field(DataType::kFloat32, {30000}, 9));
  for (const Field& f : fields) {
    CompressOptions options = mixed_options(Lossless::kNone);
    CompressResult automatic, own, offline;
    compress_to_memory(f, options, &automatic);
    options.codebook_mode = CodebookMode::kInline;
    compress_to_memory(f, options, &own);
    options.codebook_mode = CodebookMode::kOffline;
    const auto stream = compress_to_memory(f, options, &offline);
    EXPECT_LE(automatic.output_bytes, own.output_bytes) << shape_string(f.shape);
    EXPECT_EQ(own.huffman_bits, own.optimal_bits);
    EXPECT_EQ(own.header.codebook_set, kNoCodebookSet);
    EXPECT_EQ(own.chunks_by_source[0], own.chunks);
    EXPECT_EQ(offline.chunks_by_source[1], offline.chunks);
    EXPECT_GE(offline.huffman_bits, offline.optimal_bits);
    expect_bound_holds(f, decompress(stream, "offline.tsz", options.codebooks), options.bound.abs);
  }
}

TEST(Compressor, CustomCodebookSetsMustBeGivenToTheDecoder) {
  const Field f = mixed_field();
  const CodebookSet& custom = wave_books();
  CompressOptions options = mixed_options(Lossless::kZstd);
  CompressResult result;
  const auto stream = compress_to_memory(f, options, &result);
  EXPECT_EQ(result.header.codebook_set, kCustomCodebookSet);
  EXPECT_EQ(result.header.codebook_hash, codebook_set_hash(custom));
  expect_bound_holds(f, decompress(stream, "custom.tsz", &custom), options.bound.abs);
  expect_error([&] { decompress(stream, "custom.tsz"); },
               {.input = "custom.tsz", .contains = "custom codebook set"});
  EXPECT_THROW(decompress(stream, "custom.tsz", &default_codebook_set()), Error);

  const CodebookSet copy = default_codebook_set();  // a given set equal to the built-in one
  options.codebooks = &copy;
  compress_to_memory(f, options, &result);
  EXPECT_EQ(result.header.codebook_set, kDefaultCodebookSet);
}

TEST(Compressor, ARadiusOtherThanTheSetsDropsTheBuiltInSetOnlyInAutoMode) {
  const Field f = mixed_field();
  CompressOptions options = mixed_options(Lossless::kZstd);
  options.codebooks = nullptr;
  options.radius = 100;
  CompressResult result;
  const auto stream = compress_to_memory(f, options, &result);
  EXPECT_EQ(result.header.codebook_set, kNoCodebookSet);
  EXPECT_EQ(result.chunks_by_source[1], 0u);
  expect_bound_holds(f, decompress(stream, "r100.tsz"), options.bound.abs);
  for (CodebookMode mode : {CodebookMode::kOffline, CodebookMode::kAuto}) {
    options.codebook_mode = mode;
    options.codebooks = mode == CodebookMode::kAuto ? &default_codebook_set() : nullptr;
    expect_error([&] { compress_to_memory(f, options); }, {.code = ExitCode::kUsage});
  }
}

TEST(Compressor, SpecialValuesConstantAndFillFields) {
  Field f = make_field("special", DataType::kFloat32, {64, 64});
  auto v = f.values<float>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 3.25f;
  CompressOptions options;
  options.bound = {BoundMode::kRel, 0, 1e-3};
  CompressResult result;
  auto stream = compress_to_memory(f, options, &result);
  Field back = decompress(stream, "constant");
  EXPECT_EQ(compare_fields(f, back).max_abs_error, 0.0);  // REL of a zero range: exact
  EXPECT_GT(result.ratio(), 50.0);

  v[5] = std::numeric_limits<float>::quiet_NaN();
  v[6] = std::numeric_limits<float>::infinity();
  v[7] = -1e34f;
  v[8] = 1e-40f;  // denormal
  for (std::size_t i = 100; i < 2000; ++i) v[i] = -1e34f;
  f.fill_value = -1e34;
  for (std::size_t i = 2000; i < v.size(); ++i) v[i] = static_cast<float>(i % 97) * 0.5f;
  stream = compress_to_memory(f, options, &result);
  back = decompress(stream, "special");
  expect_bound_holds(f, back, result.header.error_bound);
  EXPECT_EQ(compare_fields(f, back).mismatched_special, 0u);
}

// Constant and near-constant chunks are one value each (kChunkConstant) within the bound, a chunk
// of fill points only is the fill value, and the other chunks are coded as before.
TEST(Compressor, ConstantChunksAreOneValue) {
  Field f = wave_field(DataType::kFloat32, {8, 4096}, 9);  // 8 chunks of one row each
  const auto v = f.values<float>();
  for (std::size_t i = 0; i < 4096; ++i) {
    v[i] = 3.5f;                             // row 0: constant
    v[4096 + i] = i % 2 == 0 ? 3.1f : 3.9f;  // row 1: within 0.4 of 3.5
    v[2 * 4096 + i] = -1e30f;                // row 2: fill points only
  }
  f.fill_value = -1e30;
  for (const auto& [eb, constant] : {std::pair{0.5, 3u}, std::pair{0.1, 2u}}) {
    CompressOptions options;
    options.bound = {BoundMode::kAbs, eb, 0};
    options.chunk_values = 4096;
    CompressResult result;
    const auto stream = compress_to_memory(f, options, &result);
    EXPECT_EQ(result.constant_chunks, constant) << eb;
    EXPECT_EQ(result.chunks, 8u);
    const Field back = decompress(stream, "steps.tsz");
    expect_bound_holds(f, back, eb);
    EXPECT_EQ(compare_fields(f, back).mismatched_special, 0u);
    for (std::size_t i = 0; i < 4096; ++i) {
      ASSERT_EQ(back.values<float>()[i], 3.5f);
      ASSERT_EQ(back.values<float>()[2 * 4096 + i], -1e30f);
    }
  }
  Field g = make_field("constant", DataType::kFloat64, {1000});
  for (double& x : g.values<double>()) x = -2.75;
  CompressOptions options;
  options.bound = {BoundMode::kAbs, 1e-9, 0};
  CompressResult result;
  const auto stream = compress_to_memory(g, options, &result);
  EXPECT_EQ(result.constant_chunks, 1u);
  EXPECT_EQ(compare_fields(g, decompress(stream, "constant.tsz")).max_abs_error, 0.0);
}

TEST(Compressor, AllNanFieldRoundTrips) {
  Field f = make_field("nan", DataType::kFloat64, {1000});
  for (double& x : f.values<double>()) x = std::numeric_limits<double>::quiet_NaN();
  CompressOptions options;
  options.bound = {BoundMode::kRel, 0, 1e-3};
  const Field back = decompress(compress_to_memory(f, options), "nan");
  EXPECT_EQ(compare_fields(f, back).mismatched_special, 0u);
}

TEST(Compressor, BadBoundsAreUsageErrors) {
  const Field f = wave_field(DataType::kFloat32, {100}, 4);
  for (const ErrorBound& bound :
       {ErrorBound{BoundMode::kAbs, 0, 0}, ErrorBound{BoundMode::kRel, 0, -1},
        ErrorBound{BoundMode::kAbsAndRel, 1, std::nan("")}}) {
    CompressOptions options;
    options.bound = bound;
    expect_error([&] { compress_to_memory(f, options); }, {.code = ExitCode::kUsage});
  }
}

TEST(Compressor, CorruptAndTruncatedStreamsFailCleanly) {
  const Field f = wave_field(DataType::kFloat32, {64, 128}, 5);
  CompressOptions options;
  options.bound = {BoundMode::kAbs, 1e-3, 0};
  options.chunk_values = 2048;
  const auto stream = compress_to_memory(f, options);
  for (std::size_t cut = 0; cut < stream.size(); cut += 1 + cut / 8) {
    EXPECT_THROW(decompress(std::span(stream).first(cut), "cut.tsz"), Error) << cut;
  }
  const CounterRng rng(6, 0);
  for (std::uint64_t trial = 0; trial < 200; ++trial) {
    auto bad = stream;
    bad[rng.uniform_int(trial, bad.size())] ^=
        std::byte{static_cast<unsigned char>(1 + trial % 255)};
    EXPECT_THROW(decompress(bad, "flipped.tsz"), Error) << trial;
  }
  auto bad_magic = stream;
  bad_magic[0] = std::byte{'P'};
  expect_error([&] { decompress(bad_magic, "x.tsz"); },
               {.input = "x.tsz",
                .contains = "x.tsz: not a tessera compressed stream (bad magic number)",
                .code = ExitCode::kFailure});
}

TEST(Compressor, RealFieldWithFillValues) {
  const DataInput levitus = testing::real_input("levitus-temp");
  if (const std::string why = testing::skip_reason(levitus); !why.empty()) GTEST_SKIP() << why;
  const Field f = testing::read_real(levitus);
  for (double rel : {1e-2, 1e-4}) {
    CompressOptions options;
    options.bound = {BoundMode::kRel, 0, rel};
    CompressResult result;
    const auto stream = compress_to_memory(f, options, &result);
    const Field back = decompress(stream, "levitus.tsz");
    expect_bound_holds(f, back, result.header.error_bound);
    EXPECT_EQ(compare_fields(f, back).mismatched_special, 0u);
    EXPECT_GT(result.ratio(), rel > 1e-3 ? 10.0 : 3.0) << rel;
  }
}

TEST(Compressor, StreamingFromARawFileToARawFileMatchesInMemory) {
  const tessera::testing::TempDir dir;
  const Field f = testing::wave_field(DataType::kFloat32, {33, 40, 50}, 8);
  write_raw(dir / "in.f32", f);
  const Field read_back = read_raw(dir / "in.f32", DataType::kFloat32, {33, 40, 50});
  CompressOptions options;
  options.bound = {BoundMode::kRel, 0, 1e-3};
  options.chunk_values = 4000;
  const auto stream = compress_to_memory(read_back, options);
  EXPECT_EQ(stream, compress_to_memory(f, options));
  {
    OutputFile output(dir / "in.tsz");
    compress_to_output(f, options, output);
    output.commit();
  }
  EXPECT_EQ(read_file(dir / "in.tsz"), stream);
  {
    OutputFile output(dir / "out.f32");
    decompress_to_output(stream, "in.tsz", output);
    EXPECT_EQ(dir.listing().size(), 3u);  // in.f32, in.tsz and out.f32's temporary file
    output.commit();
  }
  const Field streamed = read_raw(dir / "out.f32", DataType::kFloat32, {33, 40, 50});
  const Field in_memory = decompress(stream, "in.tsz");
  EXPECT_EQ(std::memcmp(streamed.bytes.data(), in_memory.bytes.data(), in_memory.bytes.size()), 0);
}

}  // namespace
}  // namespace tessera::compress
