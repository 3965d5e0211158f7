// Compiling a graph into a plan (plan.hpp): buffers for every value at its static shape, then one
// step per node in order. Each node runs once at compile time (so the next node's inputs hold
// real values): a non-Conv node first through its reference kernel, which also gives its output
// shapes, then through the plan's own kernel where one takes it; a Conv through each candidate of
// "infer.conv", each timed in place on those inputs, the fastest kept.
#include "tessera/infer/plan.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <span>

#include "conv_kernels.hpp"
#include "conv_tuning.hpp"
#include "gemm_tuning.hpp"
#include "layout_following.hpp"
#include "plan_arena.hpp"
#include "plan_layouts.hpp"
#include "plan_ops.hpp"
#include "plan_sparse_gemm.hpp"
#include "reference_ops.hpp"
#include "tessera/core/buffer.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer {

using detail::ConvCandidate;
using detail::ConvStep;
using detail::FollowingStep;
using detail::StepKernel;
using detail::ValueStore;

struct Plan::Impl {
  Graph graph;
  ValueStore values;
  detail::Arena own_layout;  // the values kept in layouts of their own
  std::vector<std::function<void()>> run;
  std::vector<PlanStep> steps;
  std::map<std::string, std::string> kernel_sources;
};

namespace {

// The median seconds of `f` over `repetitions` timed runs after one untimed run.
double median_seconds(const std::function<void()>& f, int repetitions) {
  return tune::median_seconds(f, {1, std::max(repetitions, 1)});
}

// The reference kernel of `node` and its inputs in `values` (nullptr for an omitted one).
std::pair<ReferenceOp, std::vector<const Tensor*>> reference_call(const Node& node,
                                                                  const ValueStore& values) {
  const ReferenceOp op = find_reference_op(node.op_type);
  if (op == nullptr) throw Error(node.describe(), "has no reference kernel");
  std::vector<const Tensor*> args;
  for (const std::string& name : node.inputs)
    args.push_back(name.empty() ? nullptr : &values.at(name));
  return {op, std::move(args)};
}

// A node's reference kernel as a step: its results are copied into the outputs' buffers, which
// must keep their shapes (a shape that depends on input values cannot change between runs).
StepKernel reference_step(const Node& node, const Graph& graph, ValueStore& values) {
  // Not a structured binding: lambdas capture those only since C++20's later compilers.
  std::pair<ReferenceOp, std::vector<const Tensor*>> call = reference_call(node, values);
  const ReferenceOp op = call.first;
  std::vector<const Tensor*> args = std::move(call.second);
  std::vector<Tensor*> outs;
  for (const std::string& name : node.outputs)
    outs.push_back(name.empty() ? nullptr : &values.at(name));
  return {"reference", [&node, op, args, outs, opset = graph.opset] {
            std::vector<Tensor> results = op(node, args, opset);
            for (std::size_t i = 0; i < outs.size(); ++i) {
              if (outs[i] == nullptr) continue;
              if (results[i].shape != outs[i]->shape || results[i].type != outs[i]->type) {
                throw Error(node.describe(),
                            "gives an output of another shape than at compile time");
              }
              std::memcpy(outs[i]->bytes.data(), results[i].bytes.data(), results[i].bytes.size());
            }
          }};
}

// The outputs of a non-Conv node allocated at the shapes its reference kernel gives (and filled).
void allocate_by_reference(const Node& node, const Graph& graph, ValueStore& values) {
  const auto [op, args] = reference_call(node, values);
  std::vector<Tensor> results = op(node, args, graph.opset);
  for (std::size_t i = 0; i < node.outputs.size(); ++i) {
    if (node.outputs[i].empty()) continue;
    if (i >= results.size()) throw Error(node.describe(), fmt::format("has no output {}", i + 1));
    values.insert_or_assign(node.outputs[i], std::move(results[i]));
  }
}

// Whether `y` is `reference` up to rounding: within 1e-4 of its largest magnitude (at least 1).
// Kernels that reassociate sums differently, or transform them (Winograd), stay far inside it.
bool same_up_to_rounding(std::span<const float> reference, const float* y) {
  float largest = 1.0f, difference = 0.0f;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    largest = std::max(largest, std::abs(reference[i]));
    difference = std::max(difference, std::abs(reference[i] - y[i]));
  }
  return difference <= 1e-4f * largest;
}

// The conv step of `node` when it is a 2-D float convolution with constant weights (and a
// constant bias, and a residual of the output's shape): every candidate prepared, checked against
// the first one's output and timed, the fastest on NCHW buffers run once for the nodes after it;
// nullopt otherwise.
std::optional<ConvStep> conv_step(const Node& node, const Graph& graph, ValueStore& values,
                                  const PlanOptions& options, detail::GemmKernelSource& gemm,
                                  detail::ConvKernelSource& blocked) {
  if ((node.op_type != "Conv" && node.op_type != "FusedConv") || node.inputs.size() < 2)
    return std::nullopt;
  const Tensor& x = values.at(node.inputs[0]);
  const auto weight = graph.constants.find(node.inputs[1]);
  if (x.type != DataType::kFloat32 || weight == graph.constants.end() ||
      weight->second.type != DataType::kFloat32)
    return std::nullopt;
  const float* bias = nullptr;
  if (node.inputs.size() > 2 && !node.inputs[2].empty()) {
    const auto b = graph.constants.find(node.inputs[2]);
    if (b == graph.constants.end() || b->second.type != DataType::kFloat32) return std::nullopt;
    bias = b->second.data<float>().data();
  }
  std::optional<detail::ConvShape> shape =
      detail::conv_shape_of(node, x.shape, weight->second.shape);
  if (!shape) return std::nullopt;
  if (bias != nullptr &&
      graph.constants.at(node.inputs[2]).size() != static_cast<std::size_t>(shape->k))
    return std::nullopt;
  const std::vector<std::int64_t> out_shape{shape->n, shape->k, shape->oh, shape->ow};
  const float* z = nullptr;
  if (node.inputs.size() > 3 && !node.inputs[3].empty()) {
    const Tensor& zt = values.at(node.inputs[3]);
    if (zt.type != DataType::kFloat32 || zt.shape != out_shape) return std::nullopt;
    z = zt.data<float>().data();
    shape->residual = true;
  }
  values.insert_or_assign(node.outputs[0], Tensor(DataType::kFloat32, out_shape));
  const float* px = x.data<float>().data();
  float* py = values.at(node.outputs[0]).data<float>().data();

  ConvStep step;
  step.x = node.inputs[0];
  step.z = z != nullptr ? node.inputs[3] : "";
  step.y = node.outputs[0];
  step.x_bytes = static_cast<double>(shape->input_size()) * 4;
  step.y_bytes = static_cast<double>(shape->output_size()) * 4;
  const auto& registry = detail::conv_kernels();
  const auto fixed = options.chosen.find(node.name);
  if (fixed != options.chosen.end()) {
    const auto& kernel = registry.find(fixed->second, node.describe());
    std::unique_ptr<detail::ConvExecutor> executor;
    const auto schedule = options.schedules.find(node.name);
    const detail::ConvPrepare prepare{
        &*shape,
        weight->second.data<float>().data(),
        bias,
        &executor,
        &gemm,
        &blocked,
        schedule != options.schedules.end() ? &schedule->second : nullptr};
    if (!registry.can_run(kernel, prepare))
      throw Error(node.describe(), "cannot run on the saved plan's kernel '" + kernel.name + "'");
    registry.run(kernel, prepare);
    ConvCandidate c;
    c.name = kernel.name;
    c.executor = std::move(executor);
    if (const auto out = c.executor->own_output_layout()) {
      const auto in = c.executor->own_input_layout();
      c.input_format = in ? in->name : "", c.output_format = out->name, c.own_seconds = 0;
    }
    step.candidates.push_back(std::move(c));
  }
  std::vector<float> first_output;
  for (const auto& kernel : registry.kernels()) {
    const bool allowed = fixed == options.chosen.end() &&
                         (options.conv_kernels.empty() ||
                          std::find(options.conv_kernels.begin(), options.conv_kernels.end(),
                                    kernel.name) != options.conv_kernels.end());
    std::unique_ptr<detail::ConvExecutor> executor;
    const detail::ConvPrepare prepare{
        &*shape, weight->second.data<float>().data(), bias, &executor, &gemm, &blocked};
    if (!allowed || !registry.can_run(kernel, prepare)) continue;
    try {
      registry.run(kernel, prepare);
    } catch (const Error&) {
      throw;  // the project's own: a tuning or compiler failure, a saved schedule refused
    } catch (const std::exception&) {
      continue;  // the library refuses this shape: not a candidate
    }
    const auto in = executor->own_input_layout(), out = executor->own_output_layout();
    // A library record that built an earlier one's primitive (the one that picks its layouts
    // picked those of a fixed one) is timed once.
    const std::string input_format = in ? in->name : "", output_format = out ? out->name : "";
    const auto same_primitive = [&](const ConvCandidate& other) {
      return other.executor->implementation() == executor->implementation() &&
             other.input_format == input_format && other.output_format == output_format;
    };
    if (out && !executor->implementation().empty() &&
        std::any_of(step.candidates.begin(), step.candidates.end(), same_primitive))
      continue;
    ConvCandidate c;
    c.name = kernel.name;
    c.executor = std::move(executor);
    c.plain_seconds = median_seconds([&] { c.executor->run(px, z, py); }, options.repetitions);
    if (first_output.empty()) {
      first_output.assign(py, py + shape->output_size());
    } else if (!same_up_to_rounding(first_output, py)) {
      continue;  // a library kernel wrong on this shape: not a candidate
    }
    if (out) {
      c.input_format = input_format, c.output_format = output_format;
      c.own_seconds =
          detail::own_layout_seconds(*c.executor, *shape, {1, std::max(options.repetitions, 1)});
    }
    if (step.candidates.empty() || c.plain_seconds < step.candidates[step.chosen].plain_seconds)
      step.chosen = step.candidates.size();
    step.candidates.push_back(std::move(c));
  }
  if (step.candidates.empty()) return std::nullopt;
  step.candidates[step.chosen].executor->run(px, z, py);  // what the next nodes read now
  return step;
}

// The kernel of the saved plan for `node` among `kernels` (tessera::Error naming the node where
// none is that one; recorded untimed, so that the plan saves the choice again), else the fastest
// of them, each timed on the plan's values; its name and the times go into `step`.
StepKernel fastest_kernel(const Node& node, std::vector<StepKernel> kernels,
                          const PlanOptions& options, PlanStep& step) {
  std::size_t best = 0;
  if (const auto fixed = options.chosen.find(node.name); fixed != options.chosen.end()) {
    const auto named = [&](const StepKernel& k) { return k.kernel == fixed->second; };
    const auto at = std::find_if(kernels.begin(), kernels.end(), named);
    if (at == kernels.end())
      throw Error(node.describe(), "cannot run on the saved plan's kernel '" + fixed->second + "'");
    best = static_cast<std::size_t>(at - kernels.begin());
    step.candidates.emplace_back(at->kernel, 0.0);
  } else {
    for (std::size_t i = 0; i < kernels.size(); ++i) {
      step.candidates.emplace_back(kernels[i].kernel,
                                   median_seconds(kernels[i].run, options.repetitions));
      if (step.candidates[i].second < step.candidates[best].second) best = i;
    }
  }
  step.kernel = kernels[best].kernel;
  return std::move(kernels[best]);
}

}  // namespace

TensorMap random_inputs(const Graph& graph, std::uint64_t seed) {
  TensorMap inputs;
  const CounterRng rng(seed, 0);
  for (const ValueInfo& in : graph.inputs) {
    Tensor t(in.type, in.shape);
    if (t.type == DataType::kFloat32) {
      auto d = t.data<float>();
      for (std::size_t i = 0; i < d.size(); ++i) d[i] = rng.uniform_float(i, -1, 1);
    }
    inputs.insert_or_assign(in.name, std::move(t));
  }
  return inputs;
}

Plan::Plan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;
Plan::~Plan() = default;

const std::vector<PlanStep>& Plan::steps() const { return impl_->steps; }

const std::map<std::string, std::string>& Plan::kernel_sources() const {
  return impl_->kernel_sources;
}

Plan Plan::compile(const Graph& graph, const PlanOptions& options) {
  for (const std::string& name : options.conv_kernels) {
    detail::conv_kernels().find(name, "conv-kernels");
  }
  // OpenBLAS works on the calling thread: the kernels split their GEMMs over the plan's threads.
  openblas_set_num_threads(1);
  auto impl = std::make_unique<Impl>();
  impl->graph = graph;
  Graph& g = impl->graph;
  ValueStore& values = impl->values;
  for (const auto& [name, t] : g.constants) values.emplace(name, t);
  for (auto& [name, t] : random_inputs(g, 1)) values.insert_or_assign(name, std::move(t));
  std::vector<ConvStep> convs;
  std::vector<FollowingStep> follows;
  detail::TunedSchedules tuned(options.tuning_log, options.tuning);
  detail::GemmKernelSource gemm(tuned);
  detail::ConvKernelSource blocked(tuned);
  ProgressBar bar("plan " + g.name, g.nodes.size(), options.progress_stream, options.progress);
  for (const Node& node : g.nodes) {
    bar.advance();
    for (const std::string& name : node.inputs) {
      if (!name.empty() && !values.count(name))
        throw Error(node.describe(), fmt::format("reads '{}', which nothing produced", name));
    }
    if (std::optional<ConvStep> step = conv_step(node, g, values, options, gemm, blocked)) {
      step->step = impl->steps.size();
      convs.push_back(std::move(*step));
      impl->steps.push_back({node.name, node.op_type, "", {}});  // kernel set below
      impl->run.emplace_back();                                  // set by keep_own_layouts
      continue;
    }
    allocate_by_reference(node, g, values);
    std::optional<StepKernel> kernel = detail::own_kernel_step(node, g, values);
    if (!kernel) kernel = reference_step(node, g, values);
    PlanStep step{node.name, node.op_type, kernel->kernel, {}};
    std::vector<StepKernel> kernels{std::move(*kernel)};
    if (std::optional<StepKernel> sparse = detail::tw_gemm_step(node, g, values))
      kernels.push_back(std::move(*sparse));
#ifdef TESSERA_INFER_ONEDNN
    if (kernels.front().kernel == "openblas-sgemm")  // a float 2-D Gemm or MatMul
      if (std::optional<StepKernel> onednn = detail::onednn_gemm_step(node, g, values))
        kernels.push_back(std::move(*onednn));
#endif
    if (kernels.size() > 1 || options.chosen.count(node.name))
      kernel = fastest_kernel(node, std::move(kernels), options, step);
    else
      kernel = std::move(kernels.front());
    kernel->run();
    impl->steps.push_back(std::move(step));
    impl->run.push_back(kernel->run);
#ifdef TESSERA_INFER_ONEDNN
    if (std::shared_ptr<detail::LayoutFollowingStep> op =
            detail::layout_following_step(node, values))
      follows.push_back({impl->steps.size() - 1, node.inputs, node.outputs[0], std::move(op),
                         std::move(*kernel), ""});
#endif
  }
  for (const ConvStep& c : convs) {
    for (const ConvCandidate& candidate : c.candidates) {
      impl->steps[c.step].candidates.emplace_back(candidate.name, candidate.plain_seconds);
      if (candidate.own_seconds > 0)
        impl->steps[c.step].own_layout_candidates.emplace_back(candidate.name,
                                                               candidate.own_seconds);
    }
  }
  // The Conv steps on the kernels `chosen` (one index per step), their layouts kept.
  const auto apply = [&](const std::vector<std::size_t>& chosen) {
    for (std::size_t i = 0; i < convs.size(); ++i) {
      convs[i].chosen = chosen[i];
      impl->steps[convs[i].step].kernel = convs[i].candidates[chosen[i]].name;
      impl->steps[convs[i].step].schedule = convs[i].candidates[chosen[i]].executor->schedule();
    }
    for (PlanStep& step : impl->steps) step.own_output_layout.clear();
    keep_own_layouts(g, values, impl->own_layout, impl->run, impl->steps, convs, follows);
  };
  const auto choices = [&](const std::function<bool(const std::string&)>& family) {
    choose_conv_kernels(g, convs, follows, family);
    std::vector<std::size_t> chosen;
    for (const ConvStep& c : convs) chosen.push_back(c.chosen);
    return chosen;
  };
  std::vector<std::size_t> best = choices([](const std::string&) { return true; });
  if (options.chosen.empty() && options.conv_kernels.empty()) {
    // The per-node choice rests on a cost model; the plans of one library each (oneDNN's
    // kernels, or OpenBLAS's) are timed beside it as whole plans, in 3 turns of 3 untimed and 2
    // timed runs each (a plan run right after another one is slower for several runs), and the
    // fastest by median kept: the mixed plan is never slower than the best of them by more than
    // the noise of these timings.
    std::vector<std::vector<std::size_t>> plans{best};
    for (const std::string prefix : {"onednn", "im2col-openblas"}) {
      const std::vector<std::size_t> alone =
          choices([&](const std::string& name) { return name.rfind(prefix, 0) == 0; });
      if (std::find(plans.begin(), plans.end(), alone) == plans.end()) plans.push_back(alone);
    }
    if (plans.size() > 1) {
      std::vector<std::vector<double>> samples(plans.size());
      const auto run_plan = [&] {
        for (const auto& step : impl->run) step();
      };
      for (int round = 0; round < 3; ++round) {
        for (std::size_t p = 0; p < plans.size(); ++p) {
          apply(plans[p]);
          for (int i = 0; i < 3; ++i) run_plan();
          for (int i = 0; i < 2; ++i) {
            const auto start = std::chrono::steady_clock::now();
            run_plan();
            samples[p].push_back(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
          }
        }
      }
      std::size_t fastest = 0;
      for (std::size_t p = 0; p < plans.size(); ++p) {
        std::sort(samples[p].begin(), samples[p].end());
        if (samples[p][samples[p].size() / 2] < samples[fastest][samples[fastest].size() / 2])
          fastest = p;
      }
      best = plans[fastest];
    }
  }
  apply(best);
  bar.finish();
  impl->kernel_sources = tuned.sources();
  for (const ValueInfo& o : g.outputs) {
    if (!values.count(o.name))
      throw Error(g.name, fmt::format("output '{}' is never produced", o.name));
  }
  return Plan(std::move(impl));
}

TensorMap Plan::run(const TensorMap& inputs) {
  load_inputs(inputs);
  for (const auto& step : impl_->run) step();
  TensorMap out;
  for (const ValueInfo& o : impl_->graph.outputs) out.emplace(o.name, impl_->values.at(o.name));
  return out;
}

std::vector<double> Plan::profile(const TensorMap& inputs, int runs) {
  load_inputs(inputs);
  std::vector<std::vector<double>> samples(impl_->run.size());
  for (int r = 0; r < std::max(runs, 1); ++r) {
    for (std::size_t i = 0; i < impl_->run.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      impl_->run[i]();
      samples[i].push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  std::vector<double> medians;
  for (std::vector<double>& s : samples) {
    std::sort(s.begin(), s.end());
    medians.push_back(s[s.size() / 2]);
  }
  return medians;
}

void Plan::load_inputs(const TensorMap& inputs) {
  for (const ValueInfo& in : impl_->graph.inputs) {
    const auto it = inputs.find(in.name);
    if (it == inputs.end())
      throw Error(impl_->graph.name, fmt::format("input '{}' is not given", in.name));
    if (it->second.type != in.type || it->second.shape != in.shape) {
      throw Error(impl_->graph.name,
                  fmt::format("input '{}' is {} {} where the model takes {} {}", in.name,
                              to_string(it->second.type), shape_string(it->second.shape),
                              to_string(in.type), shape_string(in.shape)));
    }
    Tensor& buffer = impl_->values.at(in.name);
    std::memcpy(buffer.bytes.data(), it->second.bytes.data(), buffer.bytes.size());
  }
}

}  // namespace tessera::infer
