// Blocked-layout convolution schedules: their keys.
#include "conv_schedule.hpp"

#include <fmt/format.h>

namespace tessera::infer::detail {

std::string ConvSchedule::key() const {
  if (depthwise) return fmt::format("depthwise_w{}_owb{}", w, owb);
  return fmt::format("direct_w{}_ocb{}_owb{}_icb{}_u{}", w, ocb, owb, icb, unroll);
}

}  // namespace tessera::infer::detail
