// Convolutions in channel blocks of one vector (conv_loop_nest.inc) as the runtime holds them:
// kernels built into the library for a few schedules of this CPU's widest vectors, or generated
// for a tuned schedule (conv_tuning.hpp), and the executor that runs one on a node, which the
// records "blocked-direct" and "blocked-depthwise" of "infer.conv" prepare.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "conv_kernels.hpp"
#include "conv_schedule.hpp"

namespace tessera::infer::detail {

#include "conv_call.inc"

using ConvFunction = void (*)(const ConvCall*);

struct ConvKernel {
  ConvSchedule schedule;
  ConvFunction run = nullptr;
  std::shared_ptr<void> library;  // keeps a generated kernel's shared object loaded
  bool generated = false;
};

/// The built-in kernels for this CPU's widest vectors (16 floats with AVX-512, 8 with AVX2, else
/// 4): direct ones, or depthwise ones.
const std::vector<ConvKernel>& builtin_conv_kernels(bool depthwise);
/// The built-in kernel of `schedule`, nullopt when it is not built in.
std::optional<ConvKernel> builtin_conv_kernel(const ConvSchedule& schedule);

/// The executor of convolution `s` on `kernel` (a depthwise kernel for a depthwise shape, a direct
/// one for an ungrouped shape), its weights packed now; NCHW buffers until use_own_layouts.
std::unique_ptr<ConvExecutor> make_blocked_conv(const ConvShape& s, const float* weight,
                                                const float* bias, const ConvKernel& kernel);

}  // namespace tessera::infer::detail
