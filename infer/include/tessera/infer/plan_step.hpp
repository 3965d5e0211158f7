// What a plan (plan.hpp) chose for one node and why: its kernel, the candidates' times, the layout
// its output stays in and a generated kernel's schedule.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tessera::infer {

/// What the plan chose for one node, and why.
struct PlanStep {
  std::string node;     // the node's name
  std::string op_type;  // its operator
  std::string kernel;   // the kernel that runs it ("onednn-blocked", "openblas", ...)
  std::vector<std::pair<std::string, double>> candidates;  // each candidate's median seconds
  /// The candidates that compute in layouts of their own: their median seconds in those layouts
  /// (without the reorders from and to NCHW that `candidates` includes).
  std::vector<std::pair<std::string, double>> own_layout_candidates{};
  /// Where its output stays in the kernel's own layout (no reorder to NCHW and back before the
  /// next convolutions): that layout's description, else empty (NCHW).
  std::string own_output_layout{};
  /// The schedule of its generated kernel ("mr4_nv2_w16_u2_kc256_nc1024_o0_p0"), else empty.
  std::string schedule{};
};

}  // namespace tessera::infer
