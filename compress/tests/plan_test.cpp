// The planner: a plan says what compress_field then does (same bytes, the header it names, the
// exact ratio an FXR search promised), the layout's size functions match written streams, and
// errors name CompressOptions' fields.
#include "tessera/compress/plan.hpp"

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "tessera/compress/chunking.hpp"
#include "tessera/compress/compressor.hpp"
#include "tessera/testing/expect_error.hpp"
#include "test_fields.hpp"

namespace tessera::compress {
namespace {

using testing::wave_field;

CompressOptions with_bound(ErrorBound bound) {
  CompressOptions options;
  options.bound = bound;
  return options;
}

// The stream compress_field writes under `plan`.
std::vector<std::byte> compress_with_plan(const FieldView& field, const CompressPlan& plan) {
  std::vector<std::byte> stream;
  compress_field(field, plan, false, [&](std::span<const std::byte> b) {
    stream.insert(stream.end(), b.begin(), b.end());
  });
  return stream;
}

TEST(Plan, RelBoundPlanNamesWhatTheStreamThenHolds) {
  const Field f = wave_field(DataType::kFloat32, {40, 30, 50}, 3);
  const CompressOptions options = with_bound({BoundMode::kRel, 0, 1e-3});
  const CompressPlan plan = plan_compression(f, options);
  EXPECT_DOUBLE_EQ(plan.error_bound, resolve_error_bound(f, options.bound));
  EXPECT_EQ(plan.radius, kDefaultRadius);
  EXPECT_EQ(plan.chunks, Chunking(f.shape, plan.slices_per_chunk).chunk_count());
  EXPECT_GT(plan.chunks, 1U);
  EXPECT_EQ(plan.codebook_mode, CodebookMode::kAuto);
  EXPECT_EQ(plan.codebooks, &default_codebook_set());
  EXPECT_EQ(plan.lossless, Lossless::kZstd);
  EXPECT_EQ(plan.expected_ratio, 0.0);

  const std::vector<std::byte> stream = compress_with_plan(f, plan);
  EXPECT_EQ(stream, compress_to_memory(f, options));
  const StreamLayout layout = read_layout(stream, "planned.tsz");
  const StreamHeader expected = stream_header(f, plan);
  EXPECT_EQ(layout.header.error_bound, plan.error_bound);
  EXPECT_EQ(layout.header.slices_per_chunk, plan.slices_per_chunk);
  EXPECT_EQ(layout.header.codebook_set, kDefaultCodebookSet);
  EXPECT_EQ(layout.header.codebook_hash, expected.codebook_hash);
  EXPECT_EQ(layout.chunks.size(), plan.chunks);
  EXPECT_EQ(stream_bytes(layout.header, layout.chunks), stream.size());
}

TEST(Plan, FixedRatioPlanIsSearchedAndItsExpectedRatioIsExact) {
  const Field f = wave_field(DataType::kFloat32, {64, 128, 40}, 11);
  const CompressOptions options = with_bound({BoundMode::kFixedRatio, 0, 0, 8});
  const CompressPlan plan = plan_compression(f, options);
  EXPECT_EQ(plan.codebook_mode, CodebookMode::kInline);
  EXPECT_EQ(plan.codebooks, nullptr);
  EXPECT_EQ(plan.lossless, Lossless::kNone);
  EXPECT_EQ(plan.grid_step, 0.0);
  EXPECT_GT(plan.estimates, 0U);
  const std::vector<std::byte> stream = compress_with_plan(f, plan);
  EXPECT_DOUBLE_EQ(static_cast<double>(f.bytes.size()) / static_cast<double>(stream.size()),
                   plan.expected_ratio);
  EXPECT_NEAR(plan.expected_ratio / 8, 1.0, 0.05);
}

TEST(Plan, InlineModeAndNoLosslessNeedNoSet) {
  const Field f = wave_field(DataType::kFloat64, {300, 20}, 5);
  CompressOptions options = with_bound({BoundMode::kAbs, 0.01, 0});
  options.codebook_mode = CodebookMode::kInline;
  options.lossless = Lossless::kNone;
  options.chunk_values = 2000;
  const CompressPlan plan = plan_compression(f, options);
  EXPECT_EQ(plan.error_bound, 0.01);
  EXPECT_EQ(plan.codebooks, nullptr);
  EXPECT_EQ(plan.slices_per_chunk, Chunking::slices_for(f.shape, 2000));
  EXPECT_EQ(stream_header(f, plan).codebook_set, kNoCodebookSet);
  EXPECT_EQ(compress_with_plan(f, plan), compress_to_memory(f, options));
}

TEST(Plan, PrintsReadably) {
  const Field f = wave_field(DataType::kFloat32, {40, 30, 50}, 3);
  const std::string text = to_string(plan_compression(f, with_bound({BoundMode::kRel, 0, 1e-3})));
  for (const char* line : {"bound: REL 0.001\n", "radius: 512\n",
                           "codebooks: auto, offline set: "
                           "built-in set 3\n",
                           "lossless: zstd level 1\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << text;
  }
  EXPECT_EQ(text.find("expected ratio"), std::string::npos) << text;
}

TEST(Plan, ErrorsNameTheOptionsFields) {
  const Field f = wave_field(DataType::kFloat32, {40, 30}, 3);
  tessera::testing::expect_error(
      [&] {
        plan_compression(f, with_bound({BoundMode::kAbs, -1, 0}));
      },
      {.input = "CompressOptions::bound", .code = ExitCode::kUsage});
  tessera::testing::expect_error(
      [&] {
        plan_compression(f, with_bound({BoundMode::kFixedRatio, 0, 0, 0.5}));
      },
      {.input = "CompressOptions::bound.ratio", .code = ExitCode::kUsage});
  CompressOptions offline = with_bound({BoundMode::kRel, 0, 1e-3});
  offline.radius = 256;
  offline.codebook_mode = CodebookMode::kOffline;
  tessera::testing::expect_error([&] { plan_compression(f, offline); },
                                 {.input = "CompressOptions::codebook_mode",
                                  .contains = "radius 512, the quantizer 256",
                                  .code = ExitCode::kUsage});
  offline.codebooks = &default_codebook_set();
  tessera::testing::expect_error([&] { plan_compression(f, offline); },
                                 {.input = "CompressOptions::codebooks", .code = ExitCode::kUsage});
}

}  // namespace
}  // namespace tessera::compress
