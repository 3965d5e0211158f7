// The code generator of infer's GEMM kernels (the paper's "DSL compiler"): for a batch of
// schedules it writes one translation unit, the loop nest (gemm_loop_nest.inc) instantiated once
// per schedule with every knob a constant, compiles it with the system compiler into a shared
// object (-O3 -march=native), loads it and keeps it in a cache on disk keyed by a hash of the
// source, the compiler and the hardware, so a schedule is compiled once per machine.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gemm_kernel.hpp"

namespace tessera::infer::detail {

/// $TESSERA_CACHE_DIR, else $XDG_CACHE_HOME/tessera/kernels, else ~/.cache/tessera/kernels.
std::string default_kernel_cache_dir();

/// The translation unit of `schedules`: gemm_call.inc, the loop nest, and per schedule an
/// extern "C" function tessera_gemm_<key>.
std::string generate_gemm_source(const std::vector<GemmSchedule>& schedules);

class GemmCompiler {
 public:
  /// The compiler named by $TESSERA_CODEGEN_CXX, else $CXX, else "c++", when it runs; nullopt
  /// when none does or TESSERA_CODEGEN_CXX is "none" (the built-in kernels then serve).
  static std::optional<GemmCompiler> find(std::string cache_dir = default_kernel_cache_dir());

  /// The kernels of `schedules`, in order: those not loaded yet are generated in one translation
  /// unit, compiled unless its shared object is cached, and loaded. tessera::Error naming the
  /// compiler command, with its messages, when compilation fails.
  std::vector<GemmKernel> kernels(const std::vector<GemmSchedule>& schedules);

  const std::string& compiler() const { return compiler_; }
  /// Shared objects compiled by this compiler so far (cache misses).
  int compilations() const { return compilations_; }

 private:
  GemmCompiler(std::string compiler, std::string version, std::string cache_dir);

  std::string compiler_, version_, cache_dir_;
  std::map<std::string, GemmKernel, std::less<>> loaded_;
  int compilations_ = 0;
};

}  // namespace tessera::infer::detail
