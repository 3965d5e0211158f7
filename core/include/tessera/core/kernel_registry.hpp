// The kernel registry: the implementations of one operation (a scalar reference, AVX2, AVX-512, a
// library, CUDA) behind one record type, after CUTLASS's operation manifest. A record says what it
// needs (an instruction set, a device), whether it can run a given problem, the workspace it wants
// and how to run; dispatch takes the most preferred record that runs here and can run the problem.
// Every registry enrolls in one catalog that `tessera doctor` and the benchmarks list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/buffer.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"

namespace tessera {

/// Where a kernel runs: project code on the CPU, a library on the CPU (oneDNN, OpenBLAS), a GPU.
enum class KernelBackend : std::uint8_t { kCpu, kLibrary, kCuda };

/// "cpu", "library", "cuda".
std::string_view to_string(KernelBackend backend);

/// A record as the catalog shows it, whatever its operation's problem type.
struct KernelSummary {
  std::string name;  // "avx512", "onednn", "wmma"
  KernelBackend backend = KernelBackend::kCpu;
  IsaLevel isa = IsaLevel::kScalar;  // the instruction set it needs (CPU records)
  std::string description;
  bool runs_here = false;  // its instruction set is allowed (TESSERA_ISA) and its device present
};

/// One operation's registry, seen without its problem type.
class KernelListing {
 public:
  virtual ~KernelListing() = default;
  /// "<subsystem>.<operation>", e.g. "tilewise.tw_gemm".
  virtual std::string_view operation() const = 0;
  /// What the operation computes, in a few words.
  virtual std::string_view description() const = 0;
  /// Every record, least preferred (the reference) first.
  virtual std::vector<KernelSummary> summaries() const = 0;
};

/// Every registry constructed so far, in construction order. A subsystem constructs its registries
/// at start-up (kernel files hold them as function-local statics and touch them from a namespace
/// scope constant), so any program that links an operation lists it.
std::vector<const KernelListing*> kernel_catalog();

namespace detail {
/// Adds a listing to kernel_catalog(); KernelRegistry's constructor calls it.
void enroll_kernel_listing(const KernelListing& listing);
}  // namespace detail

/// One implementation of an operation on problems of type `Problem` (its shapes, its data and
/// where the result goes, like CUTLASS's configuration and arguments together).
template <class Problem>
struct Kernel {
  std::string name;
  KernelBackend backend = KernelBackend::kCpu;
  IsaLevel isa = IsaLevel::kScalar;  // needs dispatch_isa_level() >= isa
  std::string description;
  std::function<bool()> device_present;                        // null: nothing beyond the ISA
  std::function<bool(const Problem&)> can_run;                 // null: every problem
  std::function<std::size_t(const Problem&)> workspace_bytes;  // null: no workspace
  std::function<void(const Problem&, std::span<std::byte> workspace)> run;
};

template <class Problem>
class KernelRegistry final : public KernelListing {
 public:
  /// An empty registry of `operation` ("<subsystem>.<operation>"), enrolled in the catalog. Keep
  /// it alive for the program's lifetime (a function-local static).
  KernelRegistry(std::string operation, std::string description)
      : operation_(std::move(operation)), description_(std::move(description)) {
    detail::enroll_kernel_listing(*this);
  }
  KernelRegistry(const KernelRegistry&) = delete;
  KernelRegistry& operator=(const KernelRegistry&) = delete;

  /// Adds a record, preferred over those added before it.
  KernelRegistry& add(Kernel<Problem> kernel) {
    kernels_.push_back(std::move(kernel));
    return *this;
  }

  std::span<const Kernel<Problem>> kernels() const { return kernels_; }

  /// Whether `kernel` runs on this machine: its ISA is allowed and its device present.
  static bool runs_here(const Kernel<Problem>& kernel) {
    return kernel.isa <= dispatch_isa_level() &&
           (!kernel.device_present || kernel.device_present());
  }
  /// Whether `kernel` runs here and takes `problem`.
  static bool can_run(const Kernel<Problem>& kernel, const Problem& problem) {
    return runs_here(kernel) && (!kernel.can_run || kernel.can_run(problem));
  }

  /// The most preferred record that can run `problem` here; tessera::Error naming the operation
  /// when none can.
  const Kernel<Problem>& select(const Problem& problem) const {
    for (auto k = kernels_.rbegin(); k != kernels_.rend(); ++k) {
      if (can_run(*k, problem)) return *k;
    }
    throw Error(operation_, "no registered kernel can run this problem on this machine");
  }

  /// The most preferred record that runs here, whatever the problem: what select() picks for a
  /// problem that every record takes. tessera::Error naming the operation when none runs here.
  const Kernel<Problem>& preferred() const {
    for (auto k = kernels_.rbegin(); k != kernels_.rend(); ++k) {
      if (runs_here(*k)) return *k;
    }
    throw Error(operation_, "no registered kernel runs on this machine");
  }

  /// The record named `name`. tessera::usage_error naming `option` (the caller's name for the
  /// choice) for an unknown name or a record that does not run here.
  const Kernel<Problem>& find(std::string_view name, std::string_view option = "kernel") const {
    for (const Kernel<Problem>& k : kernels_) {
      if (k.name != name) continue;
      if (k.isa > dispatch_isa_level()) {
        throw usage_error(option, "'" + k.name + "' needs " + std::string(to_string(k.isa)) +
                                      ", this CPU (or TESSERA_ISA) allows " +
                                      std::string(to_string(dispatch_isa_level())));
      }
      if (!runs_here(k)) throw usage_error(option, "'" + k.name + "' has no device here");
      return k;
    }
    throw usage_error(
        option, "unknown " + operation_ + " kernel '" + std::string(name) + "' (" + names() + ")");
  }

  /// Runs `kernel` on `problem` with a workspace of the size it asks for; tessera::Error naming
  /// the operation when the kernel cannot run the problem here.
  void run(const Kernel<Problem>& kernel, const Problem& problem) const {
    if (!can_run(kernel, problem)) {
      throw Error(operation_, "kernel '" + kernel.name + "' cannot run this problem here");
    }
    run_checked(kernel, problem);
  }
  /// run(select(problem), problem), checking the record once (a call on a small problem costs
  /// little more than its kernel).
  void run(const Problem& problem) const { run_checked(select(problem), problem); }

  std::string_view operation() const override { return operation_; }
  std::string_view description() const override { return description_; }
  std::vector<KernelSummary> summaries() const override {
    std::vector<KernelSummary> out;
    for (const Kernel<Problem>& k : kernels_) {
      out.push_back({k.name, k.backend, k.isa, k.description, runs_here(k)});
    }
    return out;
  }

 private:
  // Runs a record that can_run() accepted, with a workspace of the size it asks for.
  static void run_checked(const Kernel<Problem>& kernel, const Problem& problem) {
    if (!kernel.workspace_bytes) {
      kernel.run(problem, {});
      return;
    }
    AlignedBuffer<std::byte> workspace(kernel.workspace_bytes(problem));
    kernel.run(problem, workspace.span());
  }

  /// "scalar, avx2, avx512": the names, for errors.
  std::string names() const {
    std::string out;
    for (const Kernel<Problem>& k : kernels_) out += (out.empty() ? "" : ", ") + k.name;
    return out;
  }

  std::string operation_;
  std::string description_;
  std::vector<Kernel<Problem>> kernels_;
};

}  // namespace tessera
