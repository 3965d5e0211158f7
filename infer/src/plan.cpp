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
#include <set>

#include "conv_kernels.hpp"
#include "gemm_tuning.hpp"
#include "layout_following.hpp"
#include "pass_graph_queries.hpp"
#include "plan_arena.hpp"
#include "plan_ops.hpp"
#include "reference_ops.hpp"
#include "tessera/core/buffer.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer {

using detail::StepKernel;
using detail::ValueStore;

// A prepared kernel of a Conv step: its median seconds on NCHW buffers (reorders included), and
// for an executor with layouts of its own the seconds in them, and the layouts' formats.
struct ConvCandidate {
  std::string name;
  std::shared_ptr<detail::ConvExecutor> executor;
  double plain_seconds = 0;
  double own_seconds = -1;  // < 0: no layouts of its own
  std::string input_format, output_format;
};

// A Conv step: its candidates, the one chosen, the values it reads and writes ("" for no
// residual) and their bytes in NCHW.
struct ConvStep {
  std::size_t step = 0;
  std::vector<ConvCandidate> candidates;
  std::size_t chosen = 0;
  std::string x, z, y;
  double x_bytes = 0, y_bytes = 0;
  const detail::ConvExecutor& executor() const { return *candidates[chosen].executor; }
};

// A step that computes in the layout of its inputs where they all come in one format of a
// convolution's (layout_following.hpp), and on its NCHW kernel otherwise: the values it reads and
// writes, and the format it runs in ("" for NCHW).
struct FollowingStep {
  std::size_t step = 0;
  std::vector<std::string> x;
  std::string y;
  std::shared_ptr<detail::LayoutFollowingStep> op;
  StepKernel nchw;
  std::string format;
};

struct Plan::Impl {
  Graph graph;
  ValueStore values;
  detail::Arena own_layout;  // the values kept in layouts of their own
  std::vector<std::function<void()>> run;
  std::vector<PlanStep> steps;
  std::map<std::string, std::string> gemm_sources;
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

// Median seconds of `executor` in its own layouts (input, residual and output), on zeroed
// buffers of those layouts.
double own_layout_seconds(detail::ConvExecutor& executor, bool residual, int repetitions) {
  const auto in = executor.own_input_layout();
  const auto out = executor.own_output_layout();
  AlignedBuffer<float> x(in ? (in->bytes + 3) / 4 : 0),
      z(out && residual ? (out->bytes + 3) / 4 : 0), y(out ? (out->bytes + 3) / 4 : 0);
  executor.use_own_layouts(true, residual, true);
  const double seconds = median_seconds(
      [&] { executor.run(x.data(), residual ? z.data() : nullptr, y.data()); }, repetitions);
  executor.use_own_layouts(false, false, false);
  return seconds;
}

// The conv step of `node` when it is a 2-D float convolution with constant weights (and a
// constant bias, and a residual of the output's shape): every candidate prepared and timed, the
// fastest on NCHW buffers run once for the nodes after it; nullopt otherwise.
std::optional<ConvStep> conv_step(const Node& node, const Graph& graph, ValueStore& values,
                                  const PlanOptions& options, detail::GemmKernelSource& gemm) {
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
        &*shape, weight->second.data<float>().data(),
        bias,    &executor,
        &gemm,   schedule != options.schedules.end() ? &schedule->second : nullptr};
    if (!registry.can_run(kernel, prepare))
      throw Error(node.describe(), "cannot run on the saved plan's kernel '" + kernel.name + "'");
    registry.run(kernel, prepare);
    ConvCandidate c;
    c.name = kernel.name;
    c.executor = std::move(executor);
    const auto in = c.executor->own_input_layout(), out = c.executor->own_output_layout();
    if (in && out) c.input_format = in->name, c.output_format = out->name, c.own_seconds = 0;
    step.candidates.push_back(std::move(c));
  }
  for (const auto& kernel : registry.kernels()) {
    const bool allowed = fixed == options.chosen.end() &&
                         (options.conv_kernels.empty() ||
                          std::find(options.conv_kernels.begin(), options.conv_kernels.end(),
                                    kernel.name) != options.conv_kernels.end());
    std::unique_ptr<detail::ConvExecutor> executor;
    const detail::ConvPrepare prepare{&*shape, weight->second.data<float>().data(), bias, &executor,
                                      &gemm};
    if (!allowed || !registry.can_run(kernel, prepare)) continue;
    try {
      registry.run(kernel, prepare);
    } catch (const std::exception&) {
      continue;  // the library refuses this shape: not a candidate
    }
    const auto in = executor->own_input_layout(), out = executor->own_output_layout();
    // oneDNN's records in the layouts of an earlier one of them are the same primitive (the one
    // that picks its layouts picked those): timed once.
    const auto same_primitive = [&](const ConvCandidate& other) {
      return other.name.rfind("onednn-", 0) == 0 && other.input_format == in->name &&
             other.output_format == out->name;
    };
    if (in && out && kernel.name.rfind("onednn-", 0) == 0 &&
        std::any_of(step.candidates.begin(), step.candidates.end(), same_primitive))
      continue;
    ConvCandidate c;
    c.name = kernel.name;
    c.executor = std::move(executor);
    c.plain_seconds = median_seconds([&] { c.executor->run(px, z, py); }, options.repetitions);
    if (in && out) {
      c.input_format = in->name, c.output_format = out->name;
      c.own_seconds = own_layout_seconds(*c.executor, z != nullptr, options.repetitions);
    }
    if (step.candidates.empty() || c.plain_seconds < step.candidates[step.chosen].plain_seconds)
      step.chosen = step.candidates.size();
    step.candidates.push_back(std::move(c));
  }
  if (step.candidates.empty()) return std::nullopt;
  step.candidates[step.chosen].executor->run(px, z, py);  // what the next nodes read now
  return step;
}

// Kernel choice by cost including the reorders, among the candidates `family` accepts. A candidate
// with layouts of its own costs its time in them, plus its reorders' share of (NCHW time - own
// time), by bytes, for the input, the residual and the output unless the steps on the other side
// compute in the same format under the current choices (a layout-following step passes its
// inputs' format on, and takes any); any other candidate costs its NCHW time. Starting from the
// fastest in its own layouts (as if every neighbour shared them: starting from the fastest on
// NCHW, two steps that each would share only with the other never moved), each step takes its
// cheapest candidate given the others', until none changes.
void choose_conv_kernels(const Graph& graph, std::vector<ConvStep>& convs,
                         const std::vector<FollowingStep>& follows,
                         const std::function<bool(const std::string&)>& family) {
  std::map<std::string, std::size_t, std::less<>> producer, follow_producer;
  std::map<std::string, std::vector<std::pair<std::size_t, bool>>, std::less<>> conv_readers;
  std::map<std::string, int, std::less<>> follow_reads;
  for (std::size_t i = 0; i < convs.size(); ++i) {
    producer[convs[i].y] = i;
    conv_readers[convs[i].x].emplace_back(i, false);
    if (!convs[i].z.empty()) conv_readers[convs[i].z].emplace_back(i, true);
  }
  for (std::size_t i = 0; i < follows.size(); ++i) {
    follow_producer[follows[i].y] = i;
    for (const std::string& x : follows[i].x) ++follow_reads[x];
  }
  const std::map<std::string, int, std::less<>> reads = detail::readers(graph);
  // Whether every reader of v is a conv or a layout-following step.
  const auto layout_readers_only = [&](const std::string& v) {
    const auto c = conv_readers.find(v);
    const auto f = follow_reads.find(v);
    const int n = (c != conv_readers.end() ? static_cast<int>(c->second.size()) : 0) +
                  (f != follow_reads.end() ? f->second : 0);
    return n == reads.at(v);
  };
  // Whether value v, read by such steps only, is made in `format` by its producer.
  const std::function<bool(const std::string&, const std::string&)> made_in =
      [&](const std::string& v, const std::string& format) {
        if (!layout_readers_only(v)) return false;
        if (const auto p = producer.find(v); p != producer.end())
          return convs[p->second].candidates[convs[p->second].chosen].output_format == format;
        const auto f = follow_producer.find(v);
        return f != follow_producer.end() &&
               std::all_of(follows[f->second].x.begin(), follows[f->second].x.end(),
                           [&](const std::string& x) { return made_in(x, format); });
      };
  // Whether every reader of v is a layout-following step or a conv that takes v in `format`.
  const auto read_in = [&](const std::string& v, const std::string& format) {
    if (!layout_readers_only(v)) return false;
    const auto readers = conv_readers.find(v);
    if (readers == conv_readers.end()) return true;
    for (const auto& [j, as_z] : readers->second) {
      const ConvCandidate& c = convs[j].candidates[convs[j].chosen];
      if ((as_z ? c.output_format : c.input_format) != format) return false;
    }
    return true;
  };
  // The candidates of the family (all of a step that has none in it).
  std::vector<std::vector<bool>> allowed;
  for (ConvStep& s : convs) {
    std::vector<bool> in(s.candidates.size());
    for (std::size_t k = 0; k < in.size(); ++k) in[k] = family(s.candidates[k].name);
    if (std::none_of(in.begin(), in.end(), [](bool b) { return b; })) in.assign(in.size(), true);
    allowed.push_back(std::move(in));
  }
  // Candidate k of step i given the others' choices.
  const auto cost = [&](std::size_t i, std::size_t k) {
    const ConvStep& s = convs[i];
    const ConvCandidate& c = s.candidates[k];
    if (c.own_seconds < 0) return c.plain_seconds;
    const double z_bytes = s.z.empty() ? 0 : s.y_bytes;
    const double per_byte =
        std::max(c.plain_seconds - c.own_seconds, 0.0) / (s.x_bytes + z_bytes + s.y_bytes);
    double seconds = c.own_seconds;
    if (!made_in(s.x, c.input_format)) seconds += per_byte * s.x_bytes;
    if (!s.z.empty() && !made_in(s.z, c.output_format)) seconds += per_byte * z_bytes;
    if (!read_in(s.y, c.output_format)) seconds += per_byte * s.y_bytes;
    return seconds;
  };
  const auto total = [&] {
    double seconds = 0;
    for (std::size_t i = 0; i < convs.size(); ++i) seconds += cost(i, convs[i].chosen);
    return seconds;
  };
  // From the choices `start`, steps change candidates one at a time while that lowers the total
  // cost (a change of one step changes its neighbours' reorders too); the choices and their cost.
  const auto settle = [&](const std::vector<std::size_t>& start) {
    for (std::size_t i = 0; i < convs.size(); ++i) convs[i].chosen = start[i];
    double seconds = total();
    for (int round = 0; round < 8; ++round) {
      bool changed = false;
      for (std::size_t i = 0; i < convs.size(); ++i) {
        const std::size_t was = convs[i].chosen;
        for (std::size_t k = 0; k < convs[i].candidates.size(); ++k) {
          if (!allowed[i][k] || k == convs[i].chosen) continue;
          const std::size_t previous = convs[i].chosen;
          convs[i].chosen = k;
          const double t = total();
          if (t < seconds) {
            seconds = t;
          } else {
            convs[i].chosen = previous;
          }
        }
        changed = changed || convs[i].chosen != was;
      }
      if (!changed) break;
    }
    std::pair<std::vector<std::size_t>, double> result{{}, seconds};
    for (const ConvStep& c : convs) result.first.push_back(c.chosen);
    return result;
  };
  // Starting points: each step on its fastest candidate in its own layouts (as if every
  // neighbour shared them: starting from the fastest on NCHW, two steps that each would share
  // only with the other never moved), and, per format, every step that has a candidate computing
  // in it on its fastest such (neighbours that must switch together to share a format do).
  std::set<std::string> formats;
  for (std::size_t i = 0; i < convs.size(); ++i) {
    for (std::size_t k = 0; k < convs[i].candidates.size(); ++k) {
      const ConvCandidate& c = convs[i].candidates[k];
      if (allowed[i][k] && c.own_seconds >= 0 && c.input_format == c.output_format)
        formats.insert(c.output_format);
    }
  }
  // Step i's fastest allowed candidate in its own layouts, among those computing in `format`
  // (any candidate where nullopt); nullopt where none does.
  const auto fastest = [&](std::size_t i, const std::optional<std::string>& format) {
    std::optional<std::size_t> best;
    double best_seconds = 0;
    for (std::size_t k = 0; k < convs[i].candidates.size(); ++k) {
      const ConvCandidate& c = convs[i].candidates[k];
      const bool own = c.own_seconds >= 0;
      if (!allowed[i][k] ||
          (format && (!own || c.input_format != *format || c.output_format != *format)))
        continue;
      const double seconds = own ? c.own_seconds : c.plain_seconds;
      if (!best || seconds < best_seconds) best = k, best_seconds = seconds;
    }
    return best;
  };
  std::vector<std::size_t> optimistic;
  for (std::size_t i = 0; i < convs.size(); ++i) optimistic.push_back(*fastest(i, std::nullopt));
  std::pair<std::vector<std::size_t>, double> best = settle(optimistic);
  for (const std::string& format : formats) {
    std::vector<std::size_t> start = optimistic;
    for (std::size_t i = 0; i < convs.size(); ++i) start[i] = fastest(i, format).value_or(start[i]);
    std::pair<std::vector<std::size_t>, double> settled = settle(start);
    if (settled.second < best.second) best = std::move(settled);
  }
  for (std::size_t i = 0; i < convs.size(); ++i) convs[i].chosen = best.first[i];
}

// The readers of a value among the steps with layouts of their own: a conv (as residual or not),
// or a layout-following step's input.
struct LayoutReader {
  const ConvStep* conv = nullptr;
  bool as_z = false;
  const FollowingStep* follow = nullptr;
  std::size_t input = 0;
};
using LayoutReaders = std::map<std::string, std::vector<LayoutReader>, std::less<>>;
/// The values kept in layouts of their own: the layout, and the step that writes each.
using KeptValues = std::map<std::string, std::pair<detail::OwnLayout, std::size_t>, std::less<>>;

// The lives of the kept values in the arena: each from the step that writes it to its last
// reader. A residual convolution's output may take over its residual. A Concat whose inputs are
// contiguous slices of its output, each written by a convolution and read by nothing else, has
// them written there and nothing to do (its step goes into `in_place`); its output then lives from
// the first of them.
std::vector<detail::ArenaValue> arena_lives(const KeptValues& kept, const LayoutReaders& readers,
                                            const std::map<std::string, int, std::less<>>& reads,
                                            const std::vector<ConvStep>& convs,
                                            const std::vector<FollowingStep>& follows,
                                            std::set<std::size_t>& in_place) {
  std::map<std::string, std::string, std::less<>> residual_of;  // a conv's output: its residual
  std::set<std::string, std::less<>> conv_outputs;
  for (const ConvStep& c : convs) {
    conv_outputs.insert(c.y);
    if (!c.z.empty() && c.z != c.x) residual_of[c.y] = c.z;
  }
  std::map<std::string, std::pair<std::string, std::size_t>, std::less<>> inside;
  for (const FollowingStep& f : follows) {
    if (f.format.empty() || kept.count(f.y) == 0 || f.op->output_layout().name != f.format)
      continue;  // not written in the format it computes in
    const std::optional<std::vector<std::size_t>> offsets = f.op->input_offsets();
    bool slices =
        offsets.has_value() && std::set<std::string>(f.x.begin(), f.x.end()).size() == f.x.size();
    for (const std::string& x : f.x)
      slices = slices && kept.count(x) != 0 && conv_outputs.count(x) != 0 && reads.at(x) == 1;
    if (!slices) continue;
    for (std::size_t i = 0; i < f.x.size(); ++i) inside[f.x[i]] = {f.y, (*offsets)[i]};
    in_place.insert(f.step);
  }
  std::vector<detail::ArenaValue> lives;
  std::map<std::string, std::size_t, std::less<>>
      first_part;  // a Concat output: its first input's step
  for (const auto& [name, layout] : kept) {
    detail::ArenaValue v{name, layout.first.bytes, layout.second, layout.second};
    for (const LayoutReader& r : readers.at(name))
      v.last = std::max(v.last, r.follow != nullptr ? r.follow->step : r.conv->step);
    if (const auto z = residual_of.find(name); z != residual_of.end()) v.in_place_of = z->second;
    if (const auto in = inside.find(name); in != inside.end()) {
      v.inside = in->second.first, v.offset = in->second.second, v.in_place_of.clear();
      const auto [at, fresh] = first_part.try_emplace(v.inside, v.first);
      if (!fresh) at->second = std::min(at->second, v.first);
    }
    lives.push_back(std::move(v));
  }
  for (detail::ArenaValue& v : lives) {
    if (const auto part = first_part.find(v.name); part != first_part.end())
      v.first = std::min(v.first, part->second);
  }
  return lives;
}

// Layout assignment, for what the kernel choice left. A value that a Conv executor writes in a
// layout of its own (oneDNN's blocked ones) stays in it, with no reorder on either side, where
// every reader computes in that same layout: a Conv executor (as its input, or as its residual),
// or a layout-following step whose inputs all come in that format. Such a step's output stays in
// its format on the same terms, and the step writes NCHW otherwise. Graph outputs are NCHW. The
// Conv and layout-following steps' calls are made here, on the kept values' buffers in an arena.
void keep_own_layouts(const Graph& graph, ValueStore& values, detail::Arena& own_layout,
                      std::vector<std::function<void()>>& run, std::vector<PlanStep>& steps,
                      const std::vector<ConvStep>& convs, std::vector<FollowingStep>& follows) {
  LayoutReaders layout_readers;
  for (const ConvStep& c : convs) {
    layout_readers[c.x].push_back({&c, false});
    if (!c.z.empty()) layout_readers[c.z].push_back({&c, true});
  }
  for (const FollowingStep& f : follows) {
    for (std::size_t i = 0; i < f.x.size(); ++i)
      layout_readers[f.x[i]].push_back({nullptr, false, &f, i});
  }
  KeptValues kept;
  for (const ConvStep& c : convs) {
    if (const auto layout = c.executor().own_output_layout())
      kept.emplace(c.y, std::pair(*layout, c.step));
  }
  for (FollowingStep& f : follows) {  // in graph order: a step's inputs are settled before it
    f.format.clear();
    const auto first = kept.find(f.x[0]);
    if (first == kept.end() || !f.op->prepare(first->second.first.name)) continue;
    bool same = true;
    for (std::size_t i = 0; i < f.x.size(); ++i) {
      const auto k = kept.find(f.x[i]);
      same = same && k != kept.end() && k->second.first.key == f.op->input_layout(i).key;
    }
    if (!same) continue;
    f.format = first->second.first.name;
    kept.emplace(f.y, std::pair(f.op->output_layout(), f.step));
  }
  const std::map<std::string, int, std::less<>> reads = detail::readers(graph);
  const auto accepted = [&](const std::string& v, const detail::OwnLayout& layout) {
    const auto r = layout_readers.find(v);
    if (r == layout_readers.end() || static_cast<int>(r->second.size()) != reads.at(v))
      return false;  // read by another step, or a graph output
    return std::all_of(r->second.begin(), r->second.end(), [&](const LayoutReader& reader) {
      if (reader.follow != nullptr) return reader.follow->format == layout.name;
      const auto wanted = reader.as_z ? reader.conv->executor().own_output_layout()
                                      : reader.conv->executor().own_input_layout();
      return wanted && wanted->key == layout.key;
    });
  };
  // Down to the values every reader takes, and the following steps whose inputs all stay.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = kept.begin(); it != kept.end();) {
      const bool keep = accepted(it->first, it->second.first);
      it = keep ? std::next(it) : kept.erase(it);
      changed = changed || !keep;
    }
    for (FollowingStep& f : follows) {
      if (f.format.empty() ||
          std::all_of(f.x.begin(), f.x.end(), [&](const std::string& x) { return kept.count(x); }))
        continue;
      f.format.clear();
      kept.erase(f.y);
      changed = true;
    }
  }
  // A following step whose output stays in its format writes it so; any other writes it in the
  // one layout its readers, convolutions taking it as input, all compute in (through a reorder of
  // its own, instead of one to NCHW and one back), else in NCHW.
  for (FollowingStep& f : follows) {
    if (f.format.empty()) continue;
    if (kept.count(f.y) != 0) {
      f.op->write_in(f.format);
      continue;
    }
    const auto r = layout_readers.find(f.y);
    bool one = r != layout_readers.end() && static_cast<int>(r->second.size()) == reads.at(f.y);
    std::optional<detail::OwnLayout> wanted;
    for (const LayoutReader& reader : one ? r->second : std::vector<LayoutReader>{}) {
      const auto in = reader.conv != nullptr && !reader.as_z
                          ? reader.conv->executor().own_input_layout()
                          : std::nullopt;
      one = one && in && (!wanted || wanted->key == in->key);
      if (in) wanted = in;
    }
    if (one && f.op->write_in(wanted->name) && f.op->output_layout().key == wanted->key) {
      kept.emplace(f.y, std::pair(f.op->output_layout(), f.step));
    } else {
      f.op->write_in("nchw");
    }
  }
  for (const auto& [name, layout] : kept)
    steps[layout.second].own_output_layout = layout.first.name;
  std::set<std::size_t> in_place;  // Concat steps whose inputs are written into their slices
  own_layout = detail::Arena(arena_lives(kept, layout_readers, reads, convs, follows, in_place));
  const auto buffer = [&](const std::string& name) -> float* {
    if (name.empty()) return nullptr;
    float* own = own_layout.find(name);
    return own != nullptr ? own : values.at(name).data<float>().data();
  };
  for (const ConvStep& c : convs) {
    const std::shared_ptr<detail::ConvExecutor>& executor = c.candidates[c.chosen].executor;
    executor->use_own_layouts(own_layout.contains(c.x), own_layout.contains(c.z),
                              own_layout.contains(c.y));
    run[c.step] = [executor, x = buffer(c.x), z = buffer(c.z), y = buffer(c.y)] {
      executor->run(x, z, y);
    };
  }
  for (const FollowingStep& f : follows) {
    if (f.format.empty()) {
      steps[f.step].kernel = f.nchw.kernel;
      run[f.step] = f.nchw.run;
      continue;
    }
    if (in_place.count(f.step) != 0) {
      steps[f.step].kernel = "in-place";
      run[f.step] = [] {};
      continue;
    }
    std::vector<const float*> x;
    for (const std::string& name : f.x) x.push_back(buffer(name));
    steps[f.step].kernel = f.op->kernel();
    run[f.step] = [op = f.op, x, y = buffer(f.y)] { op->run(x, y); };
  }
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

const std::map<std::string, std::string>& Plan::gemm_kernel_sources() const {
  return impl_->gemm_sources;
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
  detail::GemmKernelSource gemm(options.tuning_log, options.tuning);
  ProgressBar bar("plan " + g.name, g.nodes.size(), options.progress_stream, options.progress);
  for (const Node& node : g.nodes) {
    bar.advance();
    for (const std::string& name : node.inputs) {
      if (!name.empty() && !values.count(name))
        throw Error(node.describe(), fmt::format("reads '{}', which nothing produced", name));
    }
    if (std::optional<ConvStep> step = conv_step(node, g, values, options, gemm)) {
      step->step = impl->steps.size();
      convs.push_back(std::move(*step));
      impl->steps.push_back({node.name, node.op_type, "", {}});  // kernel set below
      impl->run.emplace_back();                                  // set by keep_own_layouts
      continue;
    }
    allocate_by_reference(node, g, values);
    std::optional<StepKernel> kernel = detail::own_kernel_step(node, g, values);
    if (!kernel) kernel = reference_step(node, g, values);
    kernel->run();
    impl->steps.push_back({node.name, node.op_type, kernel->kernel, {}});
    impl->run.push_back(kernel->run);
#ifdef TESSERA_INFER_ONEDNN
    if (std::shared_ptr<detail::LayoutFollowingStep> op =
            detail::layout_following_step(node, values))
      follows.push_back({impl->steps.size() - 1, node.inputs, node.outputs[0], std::move(op),
                         std::move(*kernel), ""});
#endif
  }
  for (const ConvStep& c : convs) {
    for (const ConvCandidate& candidate : c.candidates)
      impl->steps[c.step].candidates.emplace_back(candidate.name, candidate.plain_seconds);
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
    // kernels, or OpenBLAS's) are timed beside it as whole plans, in turns (each switch is
    // followed by an untimed run), and the fastest kept: the mixed plan is never slower than the
    // best of them by more than the noise of these timings.
    std::vector<std::vector<std::size_t>> plans{best};
    for (const std::string prefix : {"onednn", "im2col-openblas"}) {
      const std::vector<std::size_t> alone =
          choices([&](const std::string& name) { return name.rfind(prefix, 0) == 0; });
      if (std::find(plans.begin(), plans.end(), alone) == plans.end()) plans.push_back(alone);
    }
    if (plans.size() > 1) {
      std::vector<std::vector<double>> samples(plans.size());
      for (int round = 0; round < std::max(options.repetitions, 1) + 2; ++round) {
        for (std::size_t p = 0; p < plans.size(); ++p) {
          apply(plans[p]);
          samples[p].push_back(median_seconds(  // one untimed run, then one timed
              [&] {
                for (const auto& step : impl->run) step();
              },
              0));
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
  impl->gemm_sources = gemm.sources();
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
