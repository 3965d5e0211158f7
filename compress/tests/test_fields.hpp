// What the compressor's tests share: generated fields as compress::Field (over
// tessera::testing::smooth_field), a thread-count helper, and the real inputs of compress/data.json
// with the reason a test of them must skip.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/compress/compressor.hpp"
#include "tessera/compress/data_manifest.hpp"
#include "tessera/compress/field.hpp"
#include "tessera/compress/field_io.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/generators.hpp"

namespace tessera::compress::testing {

/// tessera::testing::smooth_field of `shape` (slowest first) as a field named "waves".
inline Field wave_field(DataType type, std::vector<std::size_t> shape, std::uint64_t seed,
                        double noise = 0.02) {
  const std::vector<double> values = tessera::testing::smooth_field(shape, seed, noise);
  Field f = make_field("waves", type, std::move(shape));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (type == DataType::kFloat32) {
      f.values<float>()[i] = static_cast<float>(values[i]);
    } else {
      f.values<double>()[i] = values[i];
    }
  }
  return f;
}

/// The stream of `f` compressed with `threads` threads.
inline std::vector<std::byte> compress_with_threads(const Field& f, const CompressOptions& options,
                                                    int threads) {
  const ThreadCountScope scope(threads);
  return compress_to_memory(f, options);
}

/// Input `id` of compress/data.json.
inline DataInput real_input(std::string_view id) { return data_manifest().input(id); }

/// Why a test that reads `input` must skip ("" when it can run): the file is not on this machine,
/// or this build reads no netCDF.
inline std::string skip_reason(const DataInput& input) {
  if (!input.variable.empty() && !netcdf_available()) return netcdf_missing_reason();
  return input.present ? "" : input.missing_reason;
}

/// The real field of `input` (which skip_reason must allow).
inline Field read_real(const DataInput& input) { return read_netcdf(input.path, input.variable); }

}  // namespace tessera::compress::testing
