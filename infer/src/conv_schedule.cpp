// Blocked-layout convolution schedules: their keys and knobs.
#include "conv_schedule.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "gemm_schedule.hpp"

namespace tessera::infer::detail {

std::string ConvSchedule::key() const {
  if (depthwise) return fmt::format("depthwise_w{}_owb{}", w, owb);
  return fmt::format("direct_w{}_ocb{}_owb{}_icb{}_u{}", w, ocb, owb, icb, unroll);
}

std::optional<ConvSchedule> ConvSchedule::parse(const std::string& key) {
  ConvSchedule s;
  s.depthwise = key.rfind("depthwise_", 0) == 0;
  const bool read = s.depthwise ? std::sscanf(key.c_str(), "depthwise_w%d_owb%d", &s.w, &s.owb) == 2
                                : std::sscanf(key.c_str(), "direct_w%d_ocb%d_owb%d_icb%d_u%d", &s.w,
                                              &s.ocb, &s.owb, &s.icb, &s.unroll) == 5;
  if (!read || s.key() != key) return std::nullopt;
  return s;
}

tune::SearchSpace conv_search_space(bool depthwise) {
  const std::vector<std::int64_t> widths = vector_widths();
  if (depthwise) return tune::SearchSpace({{"w", widths}, {"owb", {4, 7, 8, 14, 16, 28}}});
  return tune::SearchSpace({{"w", widths},
                            {"ocb", {1, 2, 3, 4}},
                            {"owb", {2, 4, 6, 7, 8, 12, 14, 16, 28}},
                            {"icb", {0, 1, 2, 4}},
                            {"unroll", {1, 2, 4}}});
}

ConvSchedule conv_schedule_of(const tune::SearchSpace& space, const tune::Config& config,
                              bool depthwise) {
  const auto v = [&](const char* name) { return static_cast<int>(space.value(config, name)); };
  ConvSchedule s;
  s.depthwise = depthwise;
  s.w = v("w");
  s.owb = v("owb");
  if (!depthwise) s.ocb = v("ocb"), s.icb = v("icb"), s.unroll = v("unroll");
  return s;
}

tune::Config conv_config_of(const tune::SearchSpace& space, const ConvSchedule& s,
                            const std::string& source) {
  if (s.depthwise) return space.config_of({{"w", s.w}, {"owb", s.owb}}, source);
  return space.config_of(
      {{"w", s.w}, {"ocb", s.ocb}, {"owb", s.owb}, {"icb", s.icb}, {"unroll", s.unroll}}, source);
}

}  // namespace tessera::infer::detail
