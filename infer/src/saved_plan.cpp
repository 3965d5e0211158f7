// Saved plans (plan.hpp): a plan's kernel choices as JSON, read back into PlanOptions that make
// them again without timing anything.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tessera/core/cpu_features.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/plan.hpp"

namespace tessera::infer {
namespace {

constexpr std::string_view kSchema = "tessera.infer.plan";
constexpr int kVersion = 1;

}  // namespace

std::uint32_t model_checksum(const Graph& graph) { return crc32c(encode_onnx(graph)); }

std::string plan_machine() {
  return fmt::format("{} ({}, {} threads)", detect_cpu_features().brand,
                     to_string(dispatch_isa_level()), thread_count());
}

std::string save_plan(const Plan& plan, const Graph& graph) {
  nlohmann::json steps = nlohmann::json::array();
  for (const PlanStep& s : plan.steps()) {
    nlohmann::json candidates = nlohmann::json::object();
    for (const auto& [kernel, seconds] : s.candidates) candidates[kernel] = seconds;
    steps.push_back({{"node", s.node},
                     {"op", s.op_type},
                     {"kernel", s.kernel},
                     {"layout", s.own_output_layout.empty() ? "nchw" : s.own_output_layout},
                     {"candidates_seconds", candidates}});
    if (!s.schedule.empty()) steps.back()["schedule"] = s.schedule;
    if (!s.own_layout_candidates.empty()) {
      nlohmann::json own = nlohmann::json::object();
      for (const auto& [kernel, seconds] : s.own_layout_candidates) own[kernel] = seconds;
      steps.back()["own_layout_seconds"] = own;
    }
  }
  const nlohmann::json doc = {{"schema", kSchema},         {"version", kVersion},
                              {"model", graph.name},       {"model_crc32c", model_checksum(graph)},
                              {"machine", plan_machine()}, {"steps", steps}};
  return doc.dump(1) + "\n";
}

SavedPlan parse_saved_plan(std::string_view text, std::string_view source) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw Error(source, "is not a JSON object");
  if (doc.value("schema", "") != kSchema || doc.value("version", 0) != kVersion) {
    throw Error(source, fmt::format("is not a saved plan ({} version {})", kSchema, kVersion));
  }
  try {
    SavedPlan saved;
    saved.model_checksum = doc.at("model_crc32c").get<std::uint32_t>();
    saved.machine = doc.at("machine").get<std::string>();
    for (const nlohmann::json& s : doc.at("steps")) {
      PlanStep step;
      step.node = s.at("node").get<std::string>();
      step.op_type = s.at("op").get<std::string>();
      step.kernel = s.at("kernel").get<std::string>();
      const std::string layout = s.at("layout").get<std::string>();
      step.own_output_layout = layout == "nchw" ? "" : layout;
      step.schedule = s.value("schedule", "");
      for (const auto& [kernel, seconds] : s.at("candidates_seconds").items())
        step.candidates.emplace_back(kernel, seconds.get<double>());
      const nlohmann::json own = s.value("own_layout_seconds", nlohmann::json::object());
      for (const auto& [kernel, seconds] : own.items())
        step.own_layout_candidates.emplace_back(kernel, seconds.get<double>());
      saved.steps.push_back(std::move(step));
    }
    return saved;
  } catch (const nlohmann::json::exception& e) {
    throw Error(source, fmt::format("has a missing or malformed field ({})", e.what()));
  }
}

PlanOptions options_of(const SavedPlan& saved) {
  PlanOptions options;
  for (const PlanStep& s : saved.steps) {
    if (!s.candidates.empty()) options.chosen[s.node] = s.kernel;  // the timed steps
    if (!s.schedule.empty()) options.schedules[s.node] = s.schedule;
  }
  return options;
}

}  // namespace tessera::infer
