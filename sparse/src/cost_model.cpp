// Calibration of the advisor's cost model (advisor.hpp): per-format seconds per traversal step
// and per multiply-add from this library's SpMV and SpMM(8) on a generated matrix (two kernels,
// two unknowns per format), and the streaming bandwidth past the last-level cache.
#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>
#include <vector>

#include "tessera/core/cache_sizes.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/sparse/advisor.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/generate.hpp"
#include "tessera/sparse/kernels.hpp"

namespace tessera::sparse {
namespace {

// Median seconds of one call of `run`, each sample repeating it for at least a millisecond.
double median_seconds(const std::function<void()>& run) {
  using Clock = std::chrono::steady_clock;
  run();
  std::vector<double> samples;
  for (int s = 0; s < 5; ++s) {
    int calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      run();
      ++calls;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < 1e-3);
    samples.push_back(elapsed / calls);
  }
  std::nth_element(samples.begin(), samples.begin() + 2, samples.end());
  return samples[2];
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
  std::vector<double> x(std::size_t{n} * 8, 0.5), y(std::size_t{n} * 8);
  for (std::size_t i = 0; i < one.size(); ++i) {
    const SparseTensor a = convert(sample, one[i].format);
    const double t1 = median_seconds([&] { spmv<double>(a, std::span(x).first(n), std::span(y).first(n)); });
    const double t8 = median_seconds([&] {
      spmm<double>(a, View<const double, 2>(x.data(), {n, 8}), View<double, 2>(y.data(), {n, 8}));
    });
    // t = step * steps + multiply_add * entries * columns, at 1 and 8 columns.
    const double e = static_cast<double>(one[i].multiply_adds);
    const double multiply_add = std::max(0.0, (t8 - t1) / (7 * e));
    const double step = std::max(0.0, (t1 - multiply_add * e) / static_cast<double>(one[i].steps));
    model.step_and_multiply_add[one[i].format.name] = {step, multiply_add};
  }
  return model;
}

}  // namespace tessera::sparse
