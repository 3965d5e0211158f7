// CPUID/XGETBV decoding (Intel SDM vol. 2A "CPUID"; AMD APM vol. 3) into CpuFeatures.
#include "tessera/core/cpu_features.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "tessera/core/error.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace tessera {

namespace {

#if defined(__x86_64__) || defined(__i386__)
struct Registers {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

Registers cpuid(unsigned leaf, unsigned subleaf) {
  Registers r;
  if (__get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx) == 0) return {};
  return r;
}

bool bit(unsigned value, int index) { return ((value >> index) & 1u) != 0; }

std::uint64_t xgetbv0() {
  unsigned eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<std::uint64_t>(edx) << 32) | eax;
}

std::string brand_string() {
  if (cpuid(0x80000000u, 0).eax < 0x80000004u) return {};
  std::string brand;
  for (unsigned leaf = 0x80000002u; leaf <= 0x80000004u; ++leaf) {
    const Registers r = cpuid(leaf, 0);
    for (unsigned word : {r.eax, r.ebx, r.ecx, r.edx}) {
      char chars[4];
      std::memcpy(chars, &word, 4);
      brand.append(chars, 4);
    }
  }
  brand.erase(std::find(brand.begin(), brand.end(), '\0'), brand.end());
  const auto first = brand.find_first_not_of(' ');
  const auto last = brand.find_last_not_of(' ');
  return first == std::string::npos ? std::string{} : brand.substr(first, last - first + 1);
}
#endif

}  // namespace

bool gathers_slowed(std::string_view status) {
  return status.starts_with("Mitigation") || status.starts_with("Unknown");
}

bool gathers_slowed_by_microcode() {
  std::ifstream file("/sys/devices/system/cpu/vulnerabilities/gather_data_sampling");
  const std::string status((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
  return gathers_slowed(status);
}

std::vector<std::pair<std::string, bool>> CpuFeatures::list() const {
  return {{"sse4_1", sse4_1},
          {"sse4_2", sse4_2},
          {"avx", avx},
          {"avx2", avx2},
          {"fma", fma},
          {"f16c", f16c},
          {"avx512f", avx512f},
          {"avx512dq", avx512dq},
          {"avx512bw", avx512bw},
          {"avx512vl", avx512vl},
          {"avx512_vnni", avx512_vnni},
          {"avx512_bf16", avx512_bf16},
          {"avx512_fp16", avx512_fp16}};
}

CpuFeatures detect_cpu_features() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  const Registers id = cpuid(0, 0);
  char vendor[12];
  std::memcpy(vendor, &id.ebx, 4);
  std::memcpy(vendor + 4, &id.edx, 4);
  std::memcpy(vendor + 8, &id.ecx, 4);
  f.vendor.assign(vendor, 12);
  f.brand = brand_string();

  const Registers l1 = cpuid(1, 0);
  f.sse4_1 = bit(l1.ecx, 19);
  f.sse4_2 = bit(l1.ecx, 20);
  // AVX state (XMM|YMM) and AVX-512 state (opmask|ZMM_Hi256|Hi16_ZMM) must be enabled by the OS.
  const bool osxsave = bit(l1.ecx, 27);
  const std::uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  const bool os_avx = (xcr0 & 0x6) == 0x6;
  const bool os_avx512 = os_avx && (xcr0 & 0xE0) == 0xE0;

  f.avx = os_avx && bit(l1.ecx, 28);
  f.fma = os_avx && bit(l1.ecx, 12);
  f.f16c = os_avx && bit(l1.ecx, 29);
  if (id.eax >= 7) {
    const Registers l7 = cpuid(7, 0);
    const Registers l7s1 = l7.eax >= 1 ? cpuid(7, 1) : Registers{};
    f.avx2 = os_avx && bit(l7.ebx, 5);
    f.avx512f = os_avx512 && bit(l7.ebx, 16);
    f.avx512dq = os_avx512 && bit(l7.ebx, 17);
    f.avx512bw = os_avx512 && bit(l7.ebx, 30);
    f.avx512vl = os_avx512 && bit(l7.ebx, 31);
    f.avx512_vnni = os_avx512 && bit(l7.ecx, 11);
    f.avx512_fp16 = os_avx512 && bit(l7.edx, 23);
    f.avx512_bf16 = os_avx512 && bit(l7s1.eax, 5);
  }
#endif
  return f;
}

IsaLevel max_isa_level(const CpuFeatures& f) {
  if (f.avx512f && f.avx512dq && f.avx512bw && f.avx512vl) return IsaLevel::kAvx512;
  if (f.avx2 && f.fma && f.f16c) return IsaLevel::kAvx2;
  return IsaLevel::kScalar;
}

std::string_view to_string(IsaLevel level) {
  switch (level) {
    case IsaLevel::kAvx512:
      return "avx512";
    case IsaLevel::kAvx2:
      return "avx2";
    case IsaLevel::kScalar:
      break;
  }
  return "scalar";
}

std::optional<IsaLevel> parse_isa_level(std::string_view text) {
  for (IsaLevel level : {IsaLevel::kScalar, IsaLevel::kAvx2, IsaLevel::kAvx512}) {
    if (text == to_string(level)) return level;
  }
  return std::nullopt;
}

IsaLevel dispatch_isa_level() {
  // CPUID is slow under virtualisation (it traps to the hypervisor): detect once.
  static const IsaLevel hardware = max_isa_level(detect_cpu_features());
  const char* cap = std::getenv("TESSERA_ISA");
  if (cap == nullptr || *cap == '\0') return hardware;
  const auto requested = parse_isa_level(cap);
  if (!requested) {
    throw usage_error("TESSERA_ISA",
                      "unknown level '" + std::string(cap) + "' (expected scalar, avx2 or avx512)");
  }
  return std::min(*requested, hardware);
}

}  // namespace tessera
