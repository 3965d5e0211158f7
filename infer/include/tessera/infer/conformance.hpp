// Conformance runs: an ONNX test case (a folder with model.onnx and test_data_set_*/input_*.pb
// and output_*.pb, the layout of the ONNX backend tests and the model zoo) run with the reference
// runtime and compared with its expected outputs, NumPy's allclose: |got - want| <= atol +
// rtol·|want|, NaN equal to NaN.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "tessera/core/data_manifest.hpp"
#include "tessera/infer/tensor.hpp"

namespace tessera::infer {

/// The folder of ONNX node test cases, from the manifest's marker file in one of them
/// (node/test_relu/model.onnx).
inline std::filesystem::path node_test_root(const DataInput& marker) {
  return marker.path.parent_path().parent_path();
}

/// The ONNX backend tests' default tolerances.
inline constexpr double kDefaultRtol = 1e-3;
inline constexpr double kDefaultAtol = 1e-7;

enum class Outcome { kPassed, kFailed, kUnsupported };

struct CaseResult {
  std::string name;  // the case's folder name
  Outcome outcome = Outcome::kFailed;
  std::string detail;  // why it failed or is unsupported; empty when it passed
};

/// Where `got` differs from `want` beyond the tolerances (element type, shape, or the first
/// element out of tolerance), or nullopt when they agree.
std::optional<std::string> compare_tensors(const Tensor& got, const Tensor& want, double rtol,
                                           double atol);

/// Runs every test data set of the case in `folder`.
CaseResult run_test_case(const std::filesystem::path& folder, double rtol = kDefaultRtol,
                         double atol = kDefaultAtol);

/// Runs `model` on the ONNX runner's input for light models (arange(n)/n in float32, with the
/// input's shape) and compares its first output with the TensorProto in `expected`.
CaseResult run_light_model(const std::filesystem::path& model,
                           const std::filesystem::path& expected, double rtol = kDefaultRtol,
                           double atol = kDefaultAtol);

}  // namespace tessera::infer
