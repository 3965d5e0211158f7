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
#include <cstring>

#include "conv_kernels.hpp"
#include "plan_ops.hpp"
#include "reference_ops.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer {

using detail::StepKernel;
using detail::ValueStore;

struct Plan::Impl {
  Graph graph;
  ValueStore values;
  std::vector<std::function<void()>> run;
  std::vector<PlanStep> steps;
};

namespace {

double median_seconds(const std::function<void()>& f, int repetitions) {
  f();  // warm-up: first touches, lazily built state
  std::vector<double> samples;
  for (int i = 0; i < std::max(repetitions, 1); ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    samples.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
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
  auto [op, args] = reference_call(node, values);
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

// The conv step of `node` when it is a 2-D float convolution with constant weights (and a
// constant bias, and a residual of the output's shape); nullopt otherwise.
std::optional<PlanStep> conv_step(const Node& node, const Graph& graph, ValueStore& values,
                                  const PlanOptions& options, std::function<void()>& run) {
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

  PlanStep step{node.name, node.op_type, "", {}};
  std::shared_ptr<detail::ConvExecutor> best;
  double best_seconds = 0;
  const auto& registry = detail::conv_kernels();
  for (const auto& kernel : registry.kernels()) {
    const bool allowed = options.conv_kernels.empty() ||
                         std::find(options.conv_kernels.begin(), options.conv_kernels.end(),
                                   kernel.name) != options.conv_kernels.end();
    std::unique_ptr<detail::ConvExecutor> executor;
    const detail::ConvPrepare prepare{&*shape, weight->second.data<float>().data(), bias,
                                      &executor};
    if (!allowed || !registry.can_run(kernel, prepare)) continue;
    try {
      registry.run(kernel, prepare);
    } catch (const std::exception&) {
      continue;  // the library refuses this shape: not a candidate
    }
    std::shared_ptr<detail::ConvExecutor> candidate = std::move(executor);
    const double seconds = median_seconds([&] { candidate->run(px, z, py); }, options.repetitions);
    step.candidates.emplace_back(kernel.name, seconds);
    if (!best || seconds < best_seconds)
      best = candidate, best_seconds = seconds, step.kernel = kernel.name;
  }
  if (!best) return std::nullopt;
  best->run(px, z, py);  // the output the next nodes read at compile time
  run = [best, px, z, py] { best->run(px, z, py); };
  return step;
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
  for (const Node& node : g.nodes) {
    for (const std::string& name : node.inputs) {
      if (!name.empty() && !values.count(name))
        throw Error(node.describe(), fmt::format("reads '{}', which nothing produced", name));
    }
    std::function<void()> run;
    if (std::optional<PlanStep> step = conv_step(node, g, values, options, run)) {
      impl->steps.push_back(std::move(*step));
      impl->run.push_back(std::move(run));
      continue;
    }
    allocate_by_reference(node, g, values);
    std::optional<StepKernel> kernel = detail::own_kernel_step(node, g, values);
    if (!kernel) kernel = reference_step(node, g, values);
    kernel->run();
    impl->steps.push_back({node.name, node.op_type, kernel->kernel, {}});
    impl->run.push_back(std::move(kernel->run));
  }
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
