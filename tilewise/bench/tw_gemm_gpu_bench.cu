// TW-GEMM on tensor cores against cuBLAS's dense fp16 GEMM (fp32 accumulation, the same precision)
// on BERT-base shapes, M = 12800, at 50/75/90% tile-wise sparsity (and 0%, the kernel's own
// efficiency) (G = 128, each tile keeping round((1 - s)·K) random rows). TW-GEMM is first checked
// against cuBLAS on the pruned weights; then both are timed with CUDA events, interleaved, and the
// medians compared. A is K-major for both (cuBLAS reads it transposed at full speed). Needs only
// nvcc, the CUDA runtime and cuBLAS (bench/gpu/tilewise.sh builds it); exits 3 on a wrong result.
#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tessera/tilewise/tw_gemm_cuda.hpp"

namespace {

using tessera::tilewise::cuda::DeviceTiles;
using tessera::tilewise::cuda::HostTiles;

constexpr int kTokens = 12800;  // M: 100 sequences of 128 tokens
constexpr int kTileWidth = 128;
constexpr int kWarmup = 3;
constexpr int kRepetitions = 21;
struct Shape {
  int n;
  int k;
};
constexpr Shape kShapes[] = {{768, 768}, {3072, 768}, {768, 3072}};
constexpr double kSparsities[] = {0.0, 0.5, 0.75, 0.9};  // 0: the kernel's own efficiency

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}
void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error(std::string(what) + ": cuBLAS status " + std::to_string(status));
  }
}

template <class T>
struct DeviceBuffer {
  T* data = nullptr;
  explicit DeviceBuffer(std::size_t count) {
    check(cudaMalloc(&data, count * sizeof(T)), "cudaMalloc");
  }
  ~DeviceBuffer() { cudaFree(data); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

std::vector<__half> to_half(const std::vector<float>& v) {
  std::vector<__half> h(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) h[i] = __float2half_rn(v[i]);
  return h;
}

// C (m × n, row-major) = A · W (k × n, row-major), A given K-major as TW-GEMM takes it (a_t: k × m
// row-major, which is A column-major with leading dimension m), fp16 in, fp32 out. In cuBLAS's
// column-major terms: C^T (n × m) = W^T (W's buffer, n × k, ld n) · (A's buffer, m × k, ld m)^T.
void cublas_gemm(cublasHandle_t handle, const __half* a_t, const __half* w, float* c, int m, int n,
                 int k) {
  const float one = 1.0f, zero = 0.0f;
  check(
      cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_T, n, m, k, &one, w, CUDA_R_16F, n, a_t,
                   CUDA_R_16F, m, &zero, c, CUDA_R_32F, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
      "cublasGemmEx");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Result {
  double tw_ms;
  double dense_ms;
  double max_error;  // relative to the largest reference magnitude
};

Result run_case(cublasHandle_t handle, Shape shape, double sparsity, std::uint64_t seed) {
  const int m = kTokens, n = shape.n, k = shape.k;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  // A^T (k × m): activations K-major, as TW-GEMM's loader gathers whole kept K-rows.
  std::vector<float> a(static_cast<std::size_t>(m) * k), w(static_cast<std::size_t>(k) * n);
  for (float& x : a) x = uniform(rng);
  for (float& x : w) x = uniform(rng);
  // Each tile keeps round((1 - s)·k) rows drawn without replacement.
  const int keep = static_cast<int>(std::lround((1.0 - sparsity) * k));
  HostTiles tiles;
  tiles.k = k;
  tiles.n = n;
  std::vector<float> masked(w.size(), 0.0f);
  for (int first = 0; first < n; first += kTileWidth) {
    std::vector<int> order(k), columns;
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<int> kept(order.begin(), order.begin() + keep);
    std::sort(kept.begin(), kept.end());
    for (int j = first; j < std::min(n, first + kTileWidth); ++j) columns.push_back(j);
    tiles.add_tile(kept, columns, w.data());
    for (int r : kept) {
      for (int j : columns)
        masked[static_cast<std::size_t>(r) * n + j] = w[static_cast<std::size_t>(r) * n + j];
    }
  }
  const DeviceTiles device_tiles(tiles);
  DeviceBuffer<__half> a_d(a.size()), w_d(w.size()), masked_d(w.size());
  DeviceBuffer<float> c_tw(static_cast<std::size_t>(m) * n), c_ref(static_cast<std::size_t>(m) * n);
  const std::vector<__half> a_h = to_half(a), w_h = to_half(w), masked_h = to_half(masked);
  check(cudaMemcpy(a_d.data, a_h.data(), a_h.size() * sizeof(__half), cudaMemcpyHostToDevice),
        "copy A");
  check(cudaMemcpy(w_d.data, w_h.data(), w_h.size() * sizeof(__half), cudaMemcpyHostToDevice),
        "copy W");
  check(cudaMemcpy(masked_d.data, masked_h.data(), masked_h.size() * sizeof(__half),
                   cudaMemcpyHostToDevice),
        "copy masked W");
  const auto* a_bits = reinterpret_cast<const std::uint16_t*>(a_d.data);

  // The check: TW-GEMM against cuBLAS on the pruned weights.
  device_tiles.multiply(a_bits, m, c_tw.data);
  cublas_gemm(handle, a_d.data, masked_d.data, c_ref.data, m, n, k);
  check(cudaDeviceSynchronize(), "check run");
  std::vector<float> got(static_cast<std::size_t>(m) * n), want(got.size());
  check(cudaMemcpy(got.data(), c_tw.data, got.size() * sizeof(float), cudaMemcpyDeviceToHost),
        "copy C");
  check(cudaMemcpy(want.data(), c_ref.data, want.size() * sizeof(float), cudaMemcpyDeviceToHost),
        "copy C");
  double scale = 0, error = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    scale = std::max(scale, std::fabs(static_cast<double>(want[i])));
    error = std::max(error, std::fabs(static_cast<double>(got[i]) - want[i]));
  }
  Result result{0, 0, scale > 0 ? error / scale : error};

  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  const auto time = [&](auto&& run) {
    check(cudaEventRecord(start), "event");
    run();
    check(cudaEventRecord(stop), "event");
    check(cudaEventSynchronize(stop), "event");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, start, stop), "event");
    return static_cast<double>(ms);
  };
  const auto tw = [&] { device_tiles.multiply(a_bits, m, c_tw.data); };
  const auto dense = [&] { cublas_gemm(handle, a_d.data, w_d.data, c_ref.data, m, n, k); };
  for (int i = 0; i < kWarmup; ++i) {
    tw();
    dense();
  }
  std::vector<double> tw_ms, dense_ms;
  for (int i = 0; i < kRepetitions; ++i) {  // interleaved A/B
    tw_ms.push_back(time(tw));
    dense_ms.push_back(time(dense));
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  result.tw_ms = median(tw_ms);
  result.dense_ms = median(dense_ms);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const char* jsonl = nullptr;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--jsonl") == 0) jsonl = argv[i + 1];
  }
  try {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
      std::printf("tilewise GPU bench: no CUDA device, nothing measured\n");
      return 0;
    }
    cudaDeviceProp prop{};
    check(cudaGetDeviceProperties(&prop, 0), "device properties");
    std::printf("TW-GEMM (WMMA fp16, fp32 accumulation) vs cuBLAS dense fp16 GEMM on %s, M = %d\n",
                prop.name, kTokens);
    cublasHandle_t handle;
    check(cublasCreate(&handle), "cublasCreate");
    FILE* out = jsonl != nullptr ? std::fopen(jsonl, "a") : nullptr;
    bool all_correct = true;
    std::uint64_t seed = 1;
    for (const Shape shape : kShapes) {
      for (double s : kSparsities) {
        const Result r = run_case(handle, shape, s, seed++);
        const bool correct = r.max_error <= 2e-3;
        all_correct = all_correct && correct;
        const double speedup = r.dense_ms / r.tw_ms;
        std::printf(
            "  N %4d K %4d s %.2f: TW %.3f ms, cuBLAS dense %.3f ms: %.2fx (%.0f%% of the "
            "ideal %.0fx), max error %.1e%s\n",
            shape.n, shape.k, s, r.tw_ms, r.dense_ms, speedup, 100 * speedup * (1 - s), 1 / (1 - s),
            r.max_error, correct ? "" : "  WRONG");
        if (out != nullptr) {
          std::fprintf(out,
                       "{\"type\":\"gpu_comparison\",\"device\":\"%s\",\"n\":%d,\"k\":%d,\"m\":%d,"
                       "\"sparsity\":%.2f,\"tw_ms\":%.5f,\"cublas_dense_ms\":%.5f,\"ratio\":%.4f,"
                       "\"max_error\":%.3e}\n",
                       prop.name, shape.n, shape.k, kTokens, s, r.tw_ms, r.dense_ms, speedup,
                       r.max_error);
        }
      }
    }
    if (out != nullptr) std::fclose(out);
    cublasDestroy(handle);
    if (!all_correct) {
      std::fprintf(stderr,
                   "tilewise GPU bench: TW-GEMM differs from cuBLAS on the pruned weights\n");
      return 3;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tilewise GPU bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
