// Kernel and layout choice for a plan's steps (plan_layouts.hpp).
#include "plan_layouts.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "pass_graph_queries.hpp"

namespace tessera::infer::detail {
namespace {

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
using KeptValues = std::map<std::string, std::pair<OwnLayout, std::size_t>, std::less<>>;

// The lives of the kept values in the arena: each from the step that writes it to its last
// reader. A residual convolution's output may take over its residual. A Concat whose inputs are
// contiguous slices of its output, each written by a convolution and read by nothing else, has
// them written there and nothing to do (its step goes into `in_place`); its output then lives from
// the first of them.
std::vector<ArenaValue> arena_lives(const KeptValues& kept, const LayoutReaders& readers,
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
  std::vector<ArenaValue> lives;
  std::map<std::string, std::size_t, std::less<>>
      first_part;  // a Concat output: its first input's step
  for (const auto& [name, layout] : kept) {
    ArenaValue v{name, layout.first.bytes, layout.second, layout.second};
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
  for (ArenaValue& v : lives) {
    if (const auto part = first_part.find(v.name); part != first_part.end())
      v.first = std::min(v.first, part->second);
  }
  return lives;
}

}  // namespace

// Kernel choice by cost including the reorders, among the candidates `family` accepts. A candidate
// with layouts of its own costs its time in them, plus its reorders' share of (NCHW time - own
// time), by bytes, for the input (unless it reads NCHW), the residual and the output unless the
// steps on the other side compute in the same format under the current choices (a layout-following
// step passes its inputs' format on, and takes any); any other candidate costs its NCHW time. From
// each starting choice, steps change candidates one at a time while the total cost falls; the
// cheapest result is kept.
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
  const std::map<std::string, int, std::less<>> reads = readers(graph);
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
    const double x_bytes = c.input_format.empty() ? 0 : s.x_bytes;  // else read as NCHW
    const double per_byte =
        std::max(c.plain_seconds - c.own_seconds, 0.0) / (x_bytes + z_bytes + s.y_bytes);
    double seconds = c.own_seconds;
    if (!c.input_format.empty() && !made_in(s.x, c.input_format)) seconds += per_byte * s.x_bytes;
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

// Layout assignment, for what the kernel choice left. A value that a Conv executor writes in a
// layout of its own (oneDNN's blocked ones) stays in it, with no reorder on either side, where
// every reader computes in that same layout: a Conv executor (as its input, or as its residual),
// or a layout-following step whose inputs all come in that format. Such a step's output stays in
// its format on the same terms; otherwise the step writes it in the one layout its readers all
// compute in, else in NCHW. Graph outputs are NCHW. The Conv and layout-following steps' calls
// are made here, on the kept values' buffers in an arena.
void keep_own_layouts(const Graph& graph, ValueStore& values, Arena& own_layout,
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
  const std::map<std::string, int, std::less<>> reads = readers(graph);
  const auto accepted = [&](const std::string& v, const OwnLayout& layout) {
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
    std::optional<OwnLayout> wanted;
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
  own_layout = Arena(arena_lives(kept, layout_readers, reads, convs, follows, in_place));
  const auto buffer = [&](const std::string& name) -> float* {
    if (name.empty()) return nullptr;
    float* own = own_layout.find(name);
    return own != nullptr ? own : values.at(name).data<float>().data();
  };
  for (const ConvStep& c : convs) {
    const std::shared_ptr<ConvExecutor>& executor = c.candidates[c.chosen].executor;
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
}  // namespace tessera::infer::detail
