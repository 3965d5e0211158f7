// The strict bound over the real fields of compress/data.json's "bound-sweep" set × {ABS, REL 1e-2
// … 1e-6} × {f32, f64}, and over adversarial fields: no value of any decompressed field may miss
// its bound, and NaN, ±Inf and fill points come back bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../test_fields.hpp"
#include "tessera/compress/compressor.hpp"
#include "tessera/compress/field_io.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/rng.hpp"

namespace tessera::compress {
namespace {

const std::vector<ErrorBound>& bounds() {
  static const std::vector<ErrorBound> all = {
      {BoundMode::kAbs, 1e-3, 0},         {BoundMode::kRel, 0, 1e-2}, {BoundMode::kRel, 0, 1e-3},
      {BoundMode::kRel, 0, 1e-4},         {BoundMode::kRel, 0, 1e-5}, {BoundMode::kRel, 0, 1e-6},
      {BoundMode::kAbsAndRel, 1e-2, 1e-4}};
  return all;
}

// The same field with its values widened to f64.
Field as_f64(const Field& f) {
  Field wide = make_field(f.name + " (f64)", DataType::kFloat64, f.shape);
  wide.fill_value = f.fill_value;
  const auto in = f.values<float>();
  const auto out = wide.values<double>();
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i];
  return wide;
}

// Compresses `f` under every bound and counts the points that miss it.
std::size_t violations(const Field& f) {
  std::size_t total = 0;
  for (const ErrorBound& bound : bounds()) {
    CompressOptions options;
    options.bound = bound;
    CompressResult result;
    const auto stream = compress_to_memory(f, options, &result);
    const BoundCheck check =
        check_abs_bound(f, decompress(stream, f.name), result.header.error_bound);
    EXPECT_TRUE(check.ok) << f.name << " " << to_string(bound) << ": " << check.violations
                          << " violations, first at " << check.first_violation;
    total += check.violations;
  }
  return total;
}

TEST(SlowBoundSweep, RealFieldsInBothPrecisions) {
  std::size_t fields = 0;
  std::string skipped;
  for (const DataInput& input : data_manifest().set("bound-sweep")) {
    if (const std::string why = testing::skip_reason(input); !why.empty()) {
      skipped = why;
      continue;
    }
    const Field f = testing::read_real(input);
    EXPECT_EQ(violations(f), 0u);
    EXPECT_EQ(violations(as_f64(f)), 0u);
    ++fields;
  }
  if (fields == 0) GTEST_SKIP() << skipped;
  RecordProperty("fields", static_cast<int>(fields));
}

TEST(SlowBoundSweep, AdversarialFields) {
  const CounterRng rng(41, 0);
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<Field> fields;
  // Random magnitudes over the whole float range, with NaN, ±Inf, denormals and a fill value.
  Field wild = make_field("wild", DataType::kFloat32, {64, 64, 16});
  for (std::size_t i = 0; i < wild.size(); ++i) {
    const double magnitude = std::ldexp(1.0, static_cast<int>(rng.uniform_int(i, 250)) - 125);
    wild.values<float>()[i] = static_cast<float>(rng.uniform(i, -1, 1) * magnitude);
  }
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                            inf,
                            -inf,
                            1e-45f,
                            -1e-40f,
                            3.4e38f,
                            -3.4e38f,
                            -9999.0f};
  for (std::size_t i = 0; i < wild.size(); i += 37) wild.values<float>()[i] = specials[i % 8];
  wild.fill_value = -9999.0;
  fields.push_back(std::move(wild));
  // Values on exact half-steps of common bounds, a constant field and a one-value field.
  Field steps = make_field("steps", DataType::kFloat64, {5000});
  for (std::size_t i = 0; i < steps.size(); ++i) {
    steps.values<double>()[i] = (static_cast<double>(i) - 2500.0) * 0.5e-3;
  }
  fields.push_back(std::move(steps));
  Field constant = make_field("constant", DataType::kFloat32, {300, 7});
  for (float& v : constant.values<float>()) v = 273.15f;
  fields.push_back(std::move(constant));
  Field one = make_field("one", DataType::kFloat64, {1});
  one.values<double>()[0] = -1.5e300;
  fields.push_back(std::move(one));
  for (const Field& f : fields) EXPECT_EQ(violations(f), 0u) << f.name;
}

}  // namespace
}  // namespace tessera::compress
