// CPU feature detection agrees with the kernel's view (/proc/cpuinfo) and with GCC's builtins.
#include "tessera/core/cpu_features.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/scoped_env.hpp"

namespace tessera {
namespace {

std::set<std::string> proc_cpuinfo_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) {
      std::istringstream words(line.substr(line.find(':') + 1));
      std::set<std::string> flags;
      for (std::string w; words >> w;) flags.insert(w);
      return flags;
    }
  }
  return {};
}

TEST(CpuFeatures, MatchesProcCpuinfo) {
  const auto flags = proc_cpuinfo_flags();
  if (flags.empty()) GTEST_SKIP() << "no /proc/cpuinfo flags on this system";
  for (const auto& [name, present] : detect_cpu_features().list()) {
    EXPECT_EQ(present, flags.count(name) == 1) << "feature " << name;
  }
}

TEST(CpuFeatures, MatchesCompilerBuiltins) {
  const CpuFeatures f = detect_cpu_features();
  EXPECT_EQ(f.sse4_2, __builtin_cpu_supports("sse4.2") != 0);
  EXPECT_EQ(f.avx2, __builtin_cpu_supports("avx2") != 0);
  EXPECT_EQ(f.fma, __builtin_cpu_supports("fma") != 0);
  EXPECT_EQ(f.avx512f, __builtin_cpu_supports("avx512f") != 0);
  EXPECT_EQ(f.avx512bw, __builtin_cpu_supports("avx512bw") != 0);
  EXPECT_FALSE(f.vendor.empty());
}

TEST(CpuFeatures, GathersAreSlowedWhereMicrocodeMitigatesGatherDataSampling) {
  EXPECT_TRUE(gathers_slowed("Mitigation: Microcode\n"));
  EXPECT_TRUE(gathers_slowed("Mitigation: AVX disabled, no microcode\n"));
  EXPECT_TRUE(gathers_slowed("Unknown: Dependent on hypervisor status\n"));
  EXPECT_FALSE(gathers_slowed("Not affected\n"));
  EXPECT_FALSE(gathers_slowed("Vulnerable\n"));
  EXPECT_FALSE(gathers_slowed(""));  // no such file: another kernel or another system
}

TEST(IsaLevel, ParsesAndPrintsEveryLevel) {
  for (IsaLevel level : {IsaLevel::kScalar, IsaLevel::kAvx2, IsaLevel::kAvx512}) {
    EXPECT_EQ(parse_isa_level(to_string(level)), level);
  }
  EXPECT_FALSE(parse_isa_level("sse2").has_value());
}

TEST(IsaLevel, MaxLevelNeedsTheWholeFamily) {
  CpuFeatures f;
  EXPECT_EQ(max_isa_level(f), IsaLevel::kScalar);
  f.avx2 = f.fma = f.f16c = true;
  EXPECT_EQ(max_isa_level(f), IsaLevel::kAvx2);
  f.avx512f = true;  // F alone is not enough for the AVX-512 kernels
  EXPECT_EQ(max_isa_level(f), IsaLevel::kAvx2);
  f.avx512dq = f.avx512bw = f.avx512vl = true;
  EXPECT_EQ(max_isa_level(f), IsaLevel::kAvx512);
}

class IsaEnvironment : public ::testing::Test {
 protected:
  testing::ScopedEnv isa_{"TESSERA_ISA"};
};

TEST_F(IsaEnvironment, CapsTheDispatchLevel) {
  const IsaLevel hardware = max_isa_level(detect_cpu_features());
  isa_.set("scalar");
  EXPECT_EQ(dispatch_isa_level(), IsaLevel::kScalar);
  isa_.set("avx512");
  EXPECT_EQ(dispatch_isa_level(), hardware);  // a cap never raises the level
  isa_.unset();
  EXPECT_EQ(dispatch_isa_level(), hardware);
}

TEST_F(IsaEnvironment, UnknownValueIsAUsageErrorNamingTheVariable) {
  isa_.set("neon");
  testing::expect_error([] { (void)dispatch_isa_level(); },
                        {.input = "TESSERA_ISA", .code = ExitCode::kUsage});
}

}  // namespace
}  // namespace tessera
