// GEMM schedules: their knobs and keys.
#include "gemm_schedule.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "tessera/core/cpu_features.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer::detail {

std::string GemmSchedule::key() const {
  return fmt::format("mr{}_nv{}_w{}_u{}_kc{}_nc{}_o{}_p{}", mr, nv, w, unroll, kc, nc, order,
                     parallel);
}

std::optional<GemmSchedule> GemmSchedule::parse(const std::string& key) {
  GemmSchedule s;
  if (std::sscanf(key.c_str(), "mr%d_nv%d_w%d_u%d_kc%ld_nc%ld_o%d_p%d", &s.mr, &s.nv, &s.w,
                  &s.unroll, &s.kc, &s.nc, &s.order, &s.parallel) != 8 ||
      s.key() != key)
    return std::nullopt;
  return s;
}

std::vector<std::int64_t> vector_widths() {
  std::vector<std::int64_t> widths{4};
  const IsaLevel isa = dispatch_isa_level();
  if (isa >= IsaLevel::kAvx2) widths.push_back(8);
  if (isa >= IsaLevel::kAvx512) widths.push_back(16);
  return widths;
}

tune::SearchSpace gemm_search_space() {
  return tune::SearchSpace({{"mr", {2, 4, 6, 8}},
                            {"nv", {1, 2, 3, 4}},
                            {"w", vector_widths()},
                            {"unroll", {1, 2, 4}},
                            {"kc", {64, 128, 256, 512}},
                            {"nc", {256, 512, 1024, 2048}},
                            {"order", {0, 1}},
                            {"parallel", {0, 1}}});
}

GemmSchedule gemm_schedule_of(const tune::SearchSpace& space, const tune::Config& config) {
  const auto v = [&](const char* name) { return space.value(config, name); };
  return {static_cast<int>(v("mr")),
          static_cast<int>(v("nv")),
          static_cast<int>(v("w")),
          static_cast<int>(v("unroll")),
          v("kc"),
          v("nc"),
          static_cast<int>(v("order")),
          static_cast<int>(v("parallel"))};
}

std::string GemmTask::key() const {
  return fmt::format("gemm m={} n={} k={} threads={}", m, n, k, thread_count());
}

}  // namespace tessera::infer::detail
