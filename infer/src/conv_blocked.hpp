// Convolutions in channel blocks of one vector (conv_loop_nest.inc) as the runtime holds them:
// kernels built into the library for a few schedules of this CPU's widest vectors, which the
// records "blocked-direct" and "blocked-depthwise" of "infer.conv" time on the node's shape and
// choose among.
#pragma once

#include <vector>

#include "conv_schedule.hpp"

namespace tessera::infer::detail {

#include "conv_call.inc"

using ConvFunction = void (*)(const ConvCall*);

struct ConvKernel {
  ConvSchedule schedule;
  ConvFunction run = nullptr;
};

/// The built-in kernels for this CPU's widest vectors (16 floats with AVX-512, 8 with AVX2, else
/// 4): direct ones, or depthwise ones.
const std::vector<ConvKernel>& builtin_conv_kernels(bool depthwise);

}  // namespace tessera::infer::detail
