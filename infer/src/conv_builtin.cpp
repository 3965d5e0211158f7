// The built-in blocked-layout convolution kernels: the loop nests instantiated for a few schedules
// in each instruction set's region (4-float vectors in the baseline build, 8 under AVX2+FMA, 16
// under AVX-512). Register tiles of OCB x OWB accumulators that leave room for the weights and a
// broadcast: up to 28 of 32 registers with AVX-512, up to 12 of 16 otherwise.
#include <array>
#include <utility>

#include "conv_blocked.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/isa_region.hpp"

namespace tessera::infer::detail {
namespace {

struct Tile {
  int ocb, owb;
};
constexpr std::array<Tile, 6> kWideTiles{{{2, 14}, {3, 8}, {3, 7}, {4, 7}, {4, 6}, {2, 7}}};
constexpr std::array<Tile, 6> kNarrowTiles{{{2, 6}, {3, 4}, {2, 4}, {1, 12}, {1, 8}, {4, 2}}};
constexpr std::array<int, 3> kDepthwiseTiles{7, 8, 14};

template <template <int, int, int, int, int> class Direct, template <int, int> class Depthwise,
          int W, const auto& Tiles>
void add_builtins(std::vector<ConvKernel>& direct, std::vector<ConvKernel>& depthwise) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (direct.push_back(
         {ConvSchedule{false, W, Tiles[I].ocb, Tiles[I].owb, 0, 4},
          [](const ConvCall* call) { Direct<W, Tiles[I].ocb, Tiles[I].owb, 0, 4>::run(*call); },
          nullptr, false}),
     ...);
  }
  (std::make_index_sequence<Tiles.size()>{});
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (depthwise.push_back(
         {ConvSchedule{true, W, 2, kDepthwiseTiles[I], 0, 4},
          [](const ConvCall* call) { Depthwise<W, kDepthwiseTiles[I]>::run(*call); }, nullptr,
          false}),
     ...);
  }
  (std::make_index_sequence<kDepthwiseTiles.size()>{});
}

namespace baseline {
#include "conv_loop_nest.inc"
void builtins(std::vector<ConvKernel>& direct, std::vector<ConvKernel>& depthwise) {
  add_builtins<DirectConvLoopNest, DepthwiseConvLoopNest, 4, kNarrowTiles>(direct, depthwise);
}
}  // namespace baseline

TESSERA_ISA_REGION_AVX2_FMA
namespace avx2 {
#include "conv_loop_nest.inc"
void builtins(std::vector<ConvKernel>& direct, std::vector<ConvKernel>& depthwise) {
  add_builtins<DirectConvLoopNest, DepthwiseConvLoopNest, 8, kNarrowTiles>(direct, depthwise);
}
}  // namespace avx2
TESSERA_ISA_REGION_END

TESSERA_ISA_REGION_AVX512
namespace avx512 {
#include "conv_loop_nest.inc"
void builtins(std::vector<ConvKernel>& direct, std::vector<ConvKernel>& depthwise) {
  add_builtins<DirectConvLoopNest, DepthwiseConvLoopNest, 16, kWideTiles>(direct, depthwise);
}
}  // namespace avx512
TESSERA_ISA_REGION_END

struct Builtins {
  std::vector<ConvKernel> direct, depthwise;
};

const Builtins& builtins() {
  static const Builtins kernels = [] {
    Builtins out;
    const IsaLevel isa = dispatch_isa_level();
    if (isa >= IsaLevel::kAvx512) {
      avx512::builtins(out.direct, out.depthwise);
    } else if (isa >= IsaLevel::kAvx2) {
      avx2::builtins(out.direct, out.depthwise);
    } else {
      baseline::builtins(out.direct, out.depthwise);
    }
    return out;
  }();
  return kernels;
}

}  // namespace

const std::vector<ConvKernel>& builtin_conv_kernels(bool depthwise) {
  return depthwise ? builtins().depthwise : builtins().direct;
}

std::optional<ConvKernel> builtin_conv_kernel(const ConvSchedule& schedule) {
  for (const ConvKernel& k : builtin_conv_kernels(schedule.depthwise))
    if (k.schedule == schedule) return k;
  return std::nullopt;
}

}  // namespace tessera::infer::detail
