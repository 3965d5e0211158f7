// Running ONNX test cases with the reference runtime and comparing outputs within tolerances.
#include "tessera/infer/conformance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "tessera/core/error.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/reference.hpp"

namespace tessera::infer {
namespace {

template <class T>
double value_at(const Tensor& t, std::size_t i) {
  return static_cast<double>(t.data<T>()[i]);
}

double as_double(const Tensor& t, std::size_t i) {
  switch (t.type) {
    case DataType::kFloat32:
      return value_at<float>(t, i);
    case DataType::kFloat64:
      return value_at<double>(t, i);
    case DataType::kInt64:
      return value_at<std::int64_t>(t, i);
    case DataType::kInt32:
      return value_at<std::int32_t>(t, i);
    case DataType::kInt8:
      return value_at<std::int8_t>(t, i);
    case DataType::kUint8:
      return value_at<std::uint8_t>(t, i);
    case DataType::kBool:
      return value_at<bool>(t, i) ? 1 : 0;
  }
  return 0;
}

// Files named <prefix>_<k>.pb in `folder`, in k order.
std::vector<std::filesystem::path> numbered(const std::filesystem::path& folder,
                                            std::string_view prefix) {
  std::vector<std::filesystem::path> out;
  for (std::size_t k = 0;; ++k) {
    const auto path = folder / fmt::format("{}_{}.pb", prefix, k);
    if (!std::filesystem::exists(path)) return out;
    out.push_back(path);
  }
}

CaseResult outcome_of(std::string name, const auto& run) {
  CaseResult r{std::move(name), Outcome::kPassed, {}};
  try {
    if (const std::optional<std::string> problem = run()) {
      r.outcome = Outcome::kFailed;
      r.detail = *problem;
    }
  } catch (const Unsupported& e) {
    r.outcome = Outcome::kUnsupported;
    r.detail = e.what();
  } catch (const Error& e) {
    r.outcome = Outcome::kFailed;
    r.detail = e.what();
  }
  return r;
}

std::optional<std::string> compare_outputs(const Graph& g, const TensorMap& got,
                                           const std::vector<Tensor>& want, double rtol,
                                           double atol) {
  if (want.size() > g.outputs.size()) {
    return fmt::format("{} expected outputs for a model of {}", want.size(), g.outputs.size());
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (auto problem = compare_tensors(got.at(g.outputs[i].name), want[i], rtol, atol)) {
      return fmt::format("output '{}': {}", g.outputs[i].name, *problem);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> compare_tensors(const Tensor& got, const Tensor& want, double rtol,
                                           double atol) {
  if (got.type != want.type)
    return fmt::format("is {} where {} is expected", to_string(got.type), to_string(want.type));
  if (got.shape != want.shape) {
    return fmt::format("has shape {} where {} is expected", shape_string(got.shape),
                       shape_string(want.shape));
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double g = as_double(got, i), w = as_double(want, i);
    if (std::isnan(g) && std::isnan(w)) continue;
    if (g == w) continue;  // equal infinities
    if (!(std::abs(g - w) <= atol + rtol * std::abs(w))) {
      return fmt::format("element {} is {} where {} is expected (rtol {}, atol {})", i, g, w, rtol,
                         atol);
    }
  }
  return std::nullopt;
}

CaseResult run_test_case(const std::filesystem::path& folder, double rtol, double atol) {
  return outcome_of(folder.filename().string(), [&]() -> std::optional<std::string> {
    const Graph g = read_onnx(folder / "model.onnx");
    std::size_t sets = 0;
    for (std::size_t s = 0;; ++s) {
      const auto data = folder / fmt::format("test_data_set_{}", s);
      if (!std::filesystem::is_directory(data)) break;
      ++sets;
      TensorMap inputs;
      const auto input_files = numbered(data, "input");
      if (input_files.size() != g.inputs.size()) {
        return fmt::format("{}: {} inputs for a model of {}", data.string(), input_files.size(),
                           g.inputs.size());
      }
      for (std::size_t i = 0; i < input_files.size(); ++i)
        inputs[g.inputs[i].name] = read_tensor_pb(input_files[i]);
      std::vector<Tensor> want;
      for (const auto& path : numbered(data, "output")) want.push_back(read_tensor_pb(path));
      if (auto problem = compare_outputs(g, run_reference(g, inputs), want, rtol, atol)) {
        return fmt::format("{}: {}", data.filename().string(), *problem);
      }
    }
    if (sets == 0) return std::string("holds no test_data_set_0");
    return std::nullopt;
  });
}

CaseResult run_light_model(const std::filesystem::path& model,
                           const std::filesystem::path& expected, double rtol, double atol) {
  return outcome_of(model.stem().string(), [&]() -> std::optional<std::string> {
    const Graph g = read_onnx(model);
    TensorMap inputs;
    for (const ValueInfo& in : g.inputs) {
      if (in.type != DataType::kFloat32) return fmt::format("input '{}' is not float32", in.name);
      Tensor t(DataType::kFloat32, in.shape);
      auto d = t.data<float>();
      for (std::size_t i = 0; i < d.size(); ++i)
        d[i] = static_cast<float>(i) / static_cast<float>(d.size());
      inputs[in.name] = std::move(t);
    }
    return compare_outputs(g, run_reference(g, inputs), {read_tensor_pb(expected)}, rtol, atol);
  });
}

}  // namespace tessera::infer
