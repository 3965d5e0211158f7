// The blocked-layout convolution records of "infer.conv": "blocked-direct" (ungrouped) and
// "blocked-depthwise" (one filter per channel), on the executor of conv_blocked.hpp. Each record
// times every built-in schedule, and the node's tuned one where it has one (conv_tuning.hpp), on
// the node's shape in its own layouts and keeps the fastest; a saved plan's schedule is taken as
// it is.
#include <limits>
#include <string>

#include "conv_tuning.hpp"
#include "tessera/core/error.hpp"

namespace tessera::infer::detail {
namespace {

// The executor on the kernel of the saved plan's schedule, or on the fastest for the shape of the
// built-in kernels and the tuned one, timed in its own layouts.
std::unique_ptr<ConvExecutor> prepare_blocked(const ConvPrepare& p, bool depthwise) {
  if (p.schedule != nullptr) {
    TunedSchedules none("", std::nullopt);  // without a source: built in, or generated
    ConvKernelSource own(none);
    const ConvKernel kernel = (p.blocked != nullptr ? p.blocked : &own)->kernel_of(*p.schedule);
    if (kernel.schedule.depthwise != depthwise)
      throw Error("schedule '" + *p.schedule + "'", std::string("is not a schedule of the ") +
                                                        (depthwise ? "depthwise" : "direct") +
                                                        " blocked convolution");
    return make_blocked_conv(*p.shape, p.weight, p.bias, kernel);
  }
  std::vector<ConvKernel> kernels = builtin_conv_kernels(depthwise);
  if (p.blocked != nullptr) {
    if (std::optional<ConvKernel> tuned = p.blocked->kernel_for(*p.shape);
        tuned && tuned->generated)
      kernels.push_back(std::move(*tuned));
  }
  std::unique_ptr<ConvExecutor> best;
  double best_seconds = std::numeric_limits<double>::infinity();
  for (const ConvKernel& kernel : kernels) {
    auto executor = make_blocked_conv(*p.shape, p.weight, p.bias, kernel);
    const double seconds = own_layout_seconds(*executor, *p.shape, {1, 3});
    if (seconds < best_seconds) best_seconds = seconds, best = std::move(executor);
  }
  return best;
}

}  // namespace

void add_blocked_conv_kernels(KernelRegistry<ConvPrepare>& registry) {
  for (const bool depthwise : {false, true}) {
    Kernel<ConvPrepare> k;
    k.name = depthwise ? "blocked-depthwise" : "blocked-direct";
    k.backend = KernelBackend::kCpu;
    // Not the block's width here: the registry is made at start-up, before TESSERA_ISA is read.
    k.description = std::string(depthwise ? "depthwise" : "direct") +
                    " convolution in channel blocks of one vector, the fastest for the shape of "
                    "the built-in schedules and the tuned one";
    k.can_run = [depthwise](const ConvPrepare& p) {
      return depthwise ? p.shape->depthwise() : p.shape->groups == 1;
    };
    k.run = [depthwise](const ConvPrepare& p, std::span<std::byte>) {
      *p.result = prepare_blocked(p, depthwise);
    };
    registry.add(std::move(k));
  }
}

}  // namespace tessera::infer::detail
