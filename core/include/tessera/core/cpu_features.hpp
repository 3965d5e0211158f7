// CPU feature detection for run-time kernel dispatch: what the processor and the OS support
// (CPUID plus XGETBV, so AVX/AVX-512 count only when the OS saves their registers).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera {

struct CpuFeatures {
  std::string vendor;  // e.g. "GenuineIntel", "AuthenticAMD"
  std::string brand;   // e.g. "AMD EPYC 9654 96-Core Processor"
  bool sse4_1 = false;
  bool sse4_2 = false;
  bool avx = false;
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512dq = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512_vnni = false;
  bool avx512_bf16 = false;
  bool avx512_fp16 = false;

  /// (name as in /proc/cpuinfo, present) for every feature above, in a fixed order.
  std::vector<std::pair<std::string, bool>> list() const;
};

/// Reads CPUID/XGETBV now (cheap; callers that dispatch per call should keep the result).
CpuFeatures detect_cpu_features();

/// Whether `status`, the text of Linux's
/// /sys/devices/system/cpu/vulnerabilities/gather_data_sampling, says that microcode mitigates
/// Gather Data Sampling ("Mitigation: ...") or may do so under a hypervisor ("Unknown: ..."): the
/// mitigation makes gather instructions several times slower. "Not affected", "Vulnerable" and an
/// absent file (other kernels) leave them fast.
bool gathers_slowed(std::string_view status);
/// gathers_slowed of this machine's file (read on every call: callers keep the result).
bool gathers_slowed_by_microcode();

/// Kernel families, from plain C++ to the widest vectors this project uses.
enum class IsaLevel { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

/// The widest level the features allow: kAvx512 needs F, DQ, BW and VL; kAvx2 needs AVX2, FMA,
/// F16C.
IsaLevel max_isa_level(const CpuFeatures& features);
/// "scalar", "avx2", "avx512".
std::string_view to_string(IsaLevel level);
/// Parses "scalar", "avx2" or "avx512"; nullopt for anything else.
std::optional<IsaLevel> parse_isa_level(std::string_view text);

/// The level kernels dispatch to: max_isa_level of this CPU (detected on the first call), lowered
/// to the TESSERA_ISA environment variable when set (so tests and benchmarks can force the AVX2 or
/// scalar kernels). An unknown TESSERA_ISA value throws tessera::Error naming the variable.
IsaLevel dispatch_isa_level();

}  // namespace tessera
