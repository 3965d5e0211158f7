// The code generator of infer's kernels (the paper's "DSL compiler"): a loop nest's text
// (gemm_loop_nest.inc, conv_loop_nest.inc) instantiated once per schedule with every knob a
// constant, as extern "C" functions in one translation unit per batch, compiled with the system
// compiler into a shared object (-O3 -march=native), loaded, and kept in a cache on disk keyed by
// a hash of the source, the compiler and the hardware, so a batch is compiled once per machine
// (and a schedule once per process, whichever batch brought it).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessera::infer::detail {

/// $TESSERA_CACHE_DIR, else $XDG_CACHE_HOME/tessera/kernels, else ~/.cache/tessera/kernels.
std::string default_kernel_cache_dir();

/// One kernel of a loop nest: its extern "C" symbol and the definition of that function.
struct GeneratedFunction {
  std::string symbol;
  std::string definition;
};

/// The kernel `tessera_<family>_<key>`: `extern "C" void ...(const <call>* call)` running
/// `<nest>::run(*call)`, the nest with every template argument given.
GeneratedFunction loop_nest_function(const std::string& family, const std::string& key,
                                     const std::string& call, const std::string& nest);

/// Kernels of one loop nest: `family` names the shared objects ("gemm", "conv"), `prelude` is
/// the text every definition needs (the call's struct, the loop nest).
struct GeneratedSource {
  std::string family;
  std::string prelude;
  std::vector<GeneratedFunction> functions;

  /// The translation unit: a header line, the prelude, the definitions.
  std::string text() const;
};

/// A loaded kernel: its address, and the shared object that keeps it loaded.
struct LoadedFunction {
  void* address = nullptr;
  std::shared_ptr<void> library;
};

class KernelCompiler {
 public:
  /// The compiler named by $TESSERA_CODEGEN_CXX, else $CXX, else "c++", when it runs; nullopt
  /// when none does or TESSERA_CODEGEN_CXX is "none" (the built-in kernels then serve).
  static std::optional<KernelCompiler> find(std::string cache_dir = default_kernel_cache_dir());

  /// The functions of `source`, in order: those not loaded yet are compiled in one translation
  /// unit (unless its shared object is cached) and loaded. tessera::Error naming the compiler
  /// command, with its messages, when compilation fails.
  std::vector<LoadedFunction> load(const GeneratedSource& source);

  const std::string& compiler() const { return compiler_; }
  /// Shared objects compiled by this compiler so far (cache misses).
  int compilations() const { return compilations_; }

 private:
  KernelCompiler(std::string compiler, std::string version, std::string cache_dir);

  std::string compiler_, version_, cache_dir_;
  std::map<std::string, LoadedFunction, std::less<>> loaded_;  // by symbol
  int compilations_ = 0;
};

/// The kernels of `schedules` compiled from `source`, whose functions are theirs in order:
/// Kernel{schedule, function, library, generated = true}.
template <class Kernel, class Schedule>
std::vector<Kernel> load_kernels(KernelCompiler& compiler, const GeneratedSource& source,
                                 const std::vector<Schedule>& schedules) {
  const std::vector<LoadedFunction> loaded = compiler.load(source);
  std::vector<Kernel> out;
  for (std::size_t i = 0; i < schedules.size(); ++i)
    out.push_back({schedules[i], reinterpret_cast<decltype(Kernel::run)>(loaded[i].address),
                   loaded[i].library, true});
  return out;
}

}  // namespace tessera::infer::detail
