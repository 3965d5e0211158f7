// GEMM kernels of the loop nest (gemm_loop_nest.inc) as the runtime holds them: built into the
// library for a few schedules per instruction set (the templated kernels that serve when no
// compiler is available), or generated and loaded (gemm_tuning.hpp); and how a kernel runs on
// the plan's threads with A pre-packed.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "gemm_schedule.hpp"
#include "tessera/core/buffer.hpp"

namespace tessera::infer::detail {

#include "gemm_call.inc"

using GemmFunction = void (*)(const GemmCall*);

struct GemmKernel {
  GemmSchedule schedule;
  GemmFunction run = nullptr;
  std::shared_ptr<void> library;  // keeps a generated kernel's shared object loaded
  bool generated = false;
};

/// The schedules built into the library for this CPU's widest vectors.
std::vector<GemmSchedule> builtin_gemm_schedules();
/// The built-in kernel of `schedule`, nullopt when it is not built in.
std::optional<GemmKernel> builtin_gemm_kernel(const GemmSchedule& schedule);
/// The built-in schedule the caches and the shape suggest: widest vectors, K blocks whose A and B
/// slivers fit L1, N blocks whose packed B fits half of L2, rows split over threads when there
/// are enough panels.
GemmSchedule default_gemm_schedule(const GemmTask& task);

/// A (m, k) row-major as the loop nest reads it: MR-row panels [k][mr], the last zero-padded.
AlignedBuffer<float> pack_gemm_a(const float* a, std::int64_t m, std::int64_t k, int mr);

/// Runs `kernel` for `call` (its begin, end and workspace set here) over the plan's threads: the
/// units of the schedule's parallel axis split into contiguous pieces, each with its own packing
/// workspace from `workspaces` (grown as needed).
void run_gemm(const GemmKernel& kernel, GemmCall call,
              std::vector<AlignedBuffer<float>>& workspaces);

/// C = act(A·B + bias + Z) in double, for checking kernels: A (m, k), B (k, n), C and Z (m, n),
/// all row-major and dense; bias and z may be null.
void reference_gemm(const GemmCall& call, const float* a, float* c);

}  // namespace tessera::infer::detail
