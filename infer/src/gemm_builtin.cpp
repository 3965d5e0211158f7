// The built-in GEMM kernels: the loop nest instantiated for a few schedules in each instruction
// set's region (4-float vectors in the baseline build, 8 under AVX2+FMA, 16 under AVX-512), and
// running any GEMM kernel over the plan's threads.
#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "gemm_kernel.hpp"
#include "loop_nest_run.hpp"
#include "tessera/core/cache_sizes.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/isa_region.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer::detail {
namespace {

// The built-in schedules of vector width W: two micro-kernels, two K depths, two N widths and
// both parallel axes, panels outer, k unrolled twice; the smaller micro-kernel first.
template <int W>
constexpr std::array<GemmSchedule, 16> builtin_schedules() {
  std::array<GemmSchedule, 16> out{};
  for (int i = 0; i < 16; ++i) {
    const int mr = (i & 1) != 0 ? 8 : (W == 16 ? 4 : 6);
    out[i] = {mr, 2, W, 2, (i & 2) != 0 ? 256 : 128, (i & 4) != 0 ? 1024 : 512, 0, (i >> 3) & 1};
  }
  return out;
}

template <template <int, int, int, int, long, long, int, int> class Nest, GemmSchedule S>
GemmKernel builtin_kernel() {
  GemmKernel k;
  k.schedule = S;
  k.run = [](const GemmCall* call) {
    Nest<S.mr, S.nv, S.w, S.unroll, S.kc, S.nc, S.order, S.parallel>::run(*call);
  };
  return k;
}

template <template <int, int, int, int, long, long, int, int> class Nest, int W>
void add_builtins(std::vector<GemmKernel>& out) {
  static constexpr std::array<GemmSchedule, 16> kSchedules = builtin_schedules<W>();
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (out.push_back(builtin_kernel<Nest, kSchedules[I]>()), ...);
  }
  (std::make_index_sequence<kSchedules.size()>{});
}

namespace baseline {
#include "gemm_loop_nest.inc"
void builtins(std::vector<GemmKernel>& out) { add_builtins<GemmLoopNest, 4>(out); }
}  // namespace baseline

TESSERA_ISA_REGION_AVX2_FMA
namespace avx2 {
#include "gemm_loop_nest.inc"
void builtins(std::vector<GemmKernel>& out) { add_builtins<GemmLoopNest, 8>(out); }
}  // namespace avx2
TESSERA_ISA_REGION_END

TESSERA_ISA_REGION_AVX512
namespace avx512 {
#include "gemm_loop_nest.inc"
void builtins(std::vector<GemmKernel>& out) { add_builtins<GemmLoopNest, 16>(out); }
}  // namespace avx512
TESSERA_ISA_REGION_END

const std::vector<GemmKernel>& builtins() {
  static const std::vector<GemmKernel> kernels = [] {
    std::vector<GemmKernel> out;
    const IsaLevel isa = dispatch_isa_level();
    if (isa >= IsaLevel::kAvx512) {
      avx512::builtins(out);
    } else if (isa >= IsaLevel::kAvx2) {
      avx2::builtins(out);
    } else {
      baseline::builtins(out);
    }
    return out;
  }();
  return kernels;
}

}  // namespace

std::vector<GemmSchedule> builtin_gemm_schedules() {
  std::vector<GemmSchedule> out;
  for (const GemmKernel& k : builtins()) out.push_back(k.schedule);
  return out;
}

std::optional<GemmKernel> builtin_gemm_kernel(const GemmSchedule& schedule) {
  for (const GemmKernel& k : builtins()) {
    if (k.schedule == schedule) return k;
  }
  return std::nullopt;
}

GemmSchedule default_gemm_schedule(const GemmTask& task) {
  GemmSchedule s = builtins().front().schedule;  // the smaller micro-kernel
  const CacheSizes caches = detect_cache_sizes();
  // A's MR x KC and B's KC x NR slivers in half of L1; B's KC x NC block in half of L2.
  s.kc = (s.mr + s.nr()) * 256 * 4 <= static_cast<long>(caches.l1d / 2) ? 256 : 128;
  s.nc = s.kc * 1024 * 4 <= static_cast<long>(caches.l2 / 2) ? 1024 : 512;
  const std::int64_t panels = (task.m + s.mr - 1) / s.mr;
  s.parallel = panels >= 4 * thread_count() ? 0 : 1;
  return s;
}

AlignedBuffer<float> pack_gemm_a(const float* a, std::int64_t m, std::int64_t k, int mr) {
  const std::int64_t panels = (m + mr - 1) / mr;
  AlignedBuffer<float> out(static_cast<std::size_t>(panels * k * mr));
  for (std::int64_t p = 0; p < panels; ++p) {
    for (std::int64_t q = 0; q < k; ++q) {
      for (int r = 0; r < mr; ++r) {
        const std::int64_t row = p * mr + r;
        out[static_cast<std::size_t>((p * k + q) * mr + r)] = row < m ? a[row * k + q] : 0.0f;
      }
    }
  }
  return out;
}

void run_gemm(const GemmKernel& kernel, GemmCall call,
              std::vector<AlignedBuffer<float>>& workspaces) {
  const GemmSchedule& s = kernel.schedule;
  const long units = s.parallel == 0 ? (call.m + s.mr - 1) / s.mr : (call.n + s.nr() - 1) / s.nr();
  run_in_pieces(kernel.run, call, units,
                static_cast<std::size_t>(gemm_workspace_floats(s.kc, s.nc, s.nr())), workspaces);
}

void reference_gemm(const GemmCall& call, const float* a, float* c) {
  for (long i = 0; i < call.m; ++i) {
    for (long j = 0; j < call.n; ++j) {
      double sum = 0;
      for (long q = 0; q < call.k; ++q)
        sum += static_cast<double>(a[i * call.k + q]) * call.b[q * call.ldb + j];
      auto v = static_cast<float>(sum + (call.bias ? call.bias[i] : 0.0f) +
                                  (call.z ? call.z[i * call.ldz + j] : 0.0f));
      if (call.activation == 1) v = std::max(v, 0.0f);
      if (call.activation == 2) v = std::min(std::max(v, call.lo), call.hi);
      if (call.activation == 3 && v < 0) v *= call.alpha;
      c[i * call.ldc + j] = v;
    }
  }
}

}  // namespace tessera::infer::detail
