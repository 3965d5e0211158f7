// Calibration of the advisor's cost model (advisor.hpp): per-format seconds per traversal step
// and per multiply-add from this library's SpMV and SpMM(64) on a generated matrix (two kernels,
// two unknowns per format), and the streaming bandwidth past the last-level cache.
#include <algorithm>
#include <functional>
#include <numeric>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/core/cache_sizes.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/sparse/advisor.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/format_timing.hpp"
#include "tessera/sparse/generate.hpp"

namespace tessera::sparse {
namespace {

// Median seconds of one call of `run`.
double median_seconds(const std::function<void()>& run) {
  BenchOptions options;
  options.budget_seconds = 0.02;
  return measure("bandwidth", run, options).summary.median;
}

double streaming_bandwidth(std::uint64_t cache_bytes) {
  std::vector<double> buffer(std::max<std::uint64_t>(4 * cache_bytes, 64ull << 20) / sizeof(double), 1.0);
  volatile double sink = 0;
  const double seconds = median_seconds([&] { sink = sink + std::accumulate(buffer.begin(), buffer.end(), 0.0); });
  return static_cast<double>(buffer.size() * sizeof(double)) / seconds;
}

}  // namespace

CostModel CostModel::calibrate() {
  const ThreadCountScope one_thread(1);
  CostModel model;
  const CacheSizes caches = detect_cache_sizes();
  model.cache_bytes = caches.l3 != 0 ? caches.l3 : caches.l2;
  model.bytes_per_second = streaming_bandwidth(model.cache_bytes);
  const std::uint32_t n = 1536;
  const SparseTensor sample = convert(generate_uniform(n, n, n * n * 3 / 200, 17), parse_format("coo", 2));
  const MatrixProfile profile = profile_matrix(sample);
  const std::vector<FormatCost> one = estimate(profile, 1, nullptr);
  const std::vector<FormatTiming> t1 = time_formats(sample, advisor_candidates(), 1, 0.02);
  const std::vector<FormatTiming> t64 = time_formats(sample, advisor_candidates(), 64, 0.02);
  for (std::size_t i = 0; i < one.size(); ++i) {
    const auto at = [&](const std::vector<FormatTiming>& t) {
      return std::find_if(t.begin(), t.end(), [&](const FormatTiming& f) { return f.format.name == one[i].format.name; })
          ->kernel_seconds;
    };
    // t = step * steps + multiply_add * entries * columns, at 1 and 64 columns.
    const double e = static_cast<double>(one[i].multiply_adds);
    const double multiply_add = std::max(0.0, (at(t64) - at(t1)) / (63 * e));
    const double step = std::max(0.0, (at(t1) - multiply_add * e) / static_cast<double>(one[i].steps));
    model.step_and_multiply_add[one[i].format.name] = {step, multiply_add};
  }
  return model;
}

}  // namespace tessera::sparse
