// Tuning blocked-layout convolution kernels: their source text, the reference check, the
// measurer, and a node's tuned kernel.
#include "conv_tuning.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernel_sources.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer::detail {
namespace {

// The check's shapes for `schedule`: three input channel blocks (the last partial), two groups of
// output blocks (the second of one block, itself partial), rows of two tiles and a partial one.
std::vector<ConvShape> check_shapes(const ConvSchedule& schedule) {
  const std::int64_t vw = schedule.w, tiles = 2 * schedule.owb + 1;
  const std::int64_t c = 2 * vw + 3, k = schedule.depthwise ? c : (schedule.ocb + 1) * vw - 3;
  ConvShape a;  // stride 1, padded all round, a residual, Clip
  a.n = 2, a.c = c, a.h = 5, a.w = tiles, a.k = k, a.r = 3, a.s = 3;
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = 1;
  a.residual = true;
  a.activation.kind = Activation::Kind::kClip, a.activation.lo = -0.5f, a.activation.hi = 0.5f;
  ConvShape b = a;  // stride 2, uneven padding, Relu
  b.n = 1, b.h = 7, b.w = 2 * tiles + 1, b.stride_h = b.stride_w = 2;
  b.pad_top = 1, b.pad_left = 2, b.pad_bottom = 0, b.pad_right = 1;
  b.residual = false;
  b.activation = {};
  b.activation.kind = Activation::Kind::kRelu;
  ConvShape d = a;  // stride 1 x 3, dilation 2, a 2 x 3 kernel, LeakyRelu
  d.n = 1, d.h = 6, d.w = 3 * tiles + 4, d.r = 2, d.stride_w = 3, d.dilation_h = d.dilation_w = 2;
  d.pad_top = 0, d.pad_left = 1, d.pad_bottom = 2, d.pad_right = 0;
  d.activation = {};
  d.activation.kind = Activation::Kind::kLeakyRelu, d.activation.alpha = 0.1f;
  std::vector<ConvShape> out;
  for (ConvShape s : {a, b, d}) {
    if (schedule.depthwise) s.groups = s.c;
    s.set_output_size();
    out.push_back(s);
  }
  return out;
}

// Whether the executor of `kernel` on `s` matches the scalar reference, in double, on NCHW data.
bool matches_on(const ConvKernel& kernel, const ConvShape& s) {
  const std::int64_t inputs = s.c / s.groups, taps = s.r * s.s;
  const std::vector<float> x = random_operand(static_cast<std::size_t>(s.input_size()), 11),
                           w = random_operand(static_cast<std::size_t>(s.k * inputs * taps), 12),
                           b = random_operand(static_cast<std::size_t>(s.k), 13),
                           z = random_operand(static_cast<std::size_t>(s.output_size()), 14);
  std::vector<float> got(static_cast<std::size_t>(s.output_size()));
  make_blocked_conv(s, w.data(), b.data(), kernel)->run(x.data(), z.data(), got.data());
  for (std::int64_t image = 0; image < s.n; ++image) {
    for (std::int64_t k = 0; k < s.k; ++k) {
      const std::int64_t first = s.groups == 1 ? 0 : k;  // depthwise: channel k alone
      for (std::int64_t oy = 0; oy < s.oh; ++oy) {
        for (std::int64_t ox = 0; ox < s.ow; ++ox) {
          const auto at = static_cast<std::size_t>(((image * s.k + k) * s.oh + oy) * s.ow + ox);
          double sum = b[static_cast<std::size_t>(k)] + (s.residual ? z[at] : 0.0f);
          double scale = std::abs(sum);
          for (std::int64_t c = 0; c < inputs; ++c) {
            for (std::int64_t kh = 0; kh < s.r; ++kh) {
              for (std::int64_t kw = 0; kw < s.s; ++kw) {
                const std::int64_t iy = oy * s.stride_h - s.pad_top + kh * s.dilation_h;
                const std::int64_t ix = ox * s.stride_w - s.pad_left + kw * s.dilation_w;
                if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
                const double term =
                    static_cast<double>(x[static_cast<std::size_t>(
                        ((image * s.c + first + c) * s.h + iy) * s.w + ix)]) *
                    w[static_cast<std::size_t>(((k * inputs + c) * s.r + kh) * s.s + kw)];
                sum += term, scale += std::abs(term);
              }
            }
          }
          const float want = s.activation(static_cast<float>(sum));
          if (!(std::abs(got[at] - want) <= 1e-4 * scale + 1e-6)) return false;
        }
      }
    }
  }
  return true;
}

}  // namespace

std::string conv_task_key(const ConvShape& s) {
  return fmt::format(
      "conv {} n={} c={} h={} w={} k={} r={} s={} stride={}x{} dilation={}x{} pad={},{},{},{} "
      "out={}x{} threads={}",
      s.depthwise() ? "depthwise" : "direct", s.n, s.c, s.h, s.w, s.k, s.r, s.s, s.stride_h,
      s.stride_w, s.dilation_h, s.dilation_w, s.pad_top, s.pad_left, s.pad_bottom, s.pad_right,
      s.oh, s.ow, thread_count());
}

GeneratedSource generated_conv_source(const std::vector<ConvSchedule>& schedules) {
  GeneratedSource out{"conv", std::string(kConvCallSource) + kConvLoopNestSource, {}};
  for (const ConvSchedule& s : schedules) {
    out.functions.push_back(
        loop_nest_function("conv", s.key(), "ConvCall",
                           s.depthwise ? fmt::format("DepthwiseConvLoopNest<{}, {}>", s.w, s.owb)
                                       : fmt::format("DirectConvLoopNest<{}, {}, {}, {}, {}>", s.w,
                                                     s.ocb, s.owb, s.icb, s.unroll)));
  }
  return out;
}

std::vector<ConvKernel> generated_conv_kernels(KernelCompiler& compiler,
                                               const std::vector<ConvSchedule>& schedules) {
  return load_kernels<ConvKernel>(compiler, generated_conv_source(schedules), schedules);
}

bool conv_kernel_matches_reference(const ConvKernel& kernel) {
  const std::vector<ConvShape> shapes = check_shapes(kernel.schedule);
  return std::all_of(shapes.begin(), shapes.end(),
                     [&](const ConvShape& s) { return matches_on(kernel, s); });
}

ConvMeasurer::ConvMeasurer(const ConvShape& shape, const tune::SearchSpace& space,
                           KernelCompiler& compiler, tune::TimingOptions timing)
    : shape_(shape),
      space_(space),
      compiler_(compiler),
      timing_(timing),
      weight_(random_operand(
          static_cast<std::size_t>(shape.k * (shape.c / shape.groups) * shape.r * shape.s), 15)),
      bias_(random_operand(static_cast<std::size_t>(shape.k), 16)) {}

void ConvMeasurer::prepare(std::span<const tune::Config> configs) {
  std::vector<ConvSchedule> schedules;
  for (const tune::Config& c : configs)
    schedules.push_back(conv_schedule_of(space_, c, shape_.depthwise()));
  generated_conv_kernels(compiler_, schedules);
}

double ConvMeasurer::measure(const tune::Config& config) {
  const ConvKernel kernel =
      generated_conv_kernels(compiler_, {conv_schedule_of(space_, config, shape_.depthwise())})
          .front();
  const auto [at, first] = checked_.try_emplace(kernel.schedule.key(), false);
  if (first) at->second = conv_kernel_matches_reference(kernel);
  if (!at->second) return std::numeric_limits<double>::infinity();
  const auto executor = make_blocked_conv(shape_, weight_.data(), bias_.data(), kernel);
  return own_layout_seconds(*executor, shape_, timing_);
}

ConvKernelSource::ConvKernelSource(TunedSchedules& tuned)
    : tuned_(tuned),
      direct_space_(conv_search_space(false)),
      depthwise_space_(conv_search_space(true)) {}

std::optional<ConvKernel> ConvKernelSource::kernel_for(const ConvShape& s) {
  const std::string key = conv_task_key(s);
  if (const auto known = kernels_.find(key); known != kernels_.end()) return known->second;
  const tune::SearchSpace& space = s.depthwise() ? depthwise_space_ : direct_space_;
  const std::optional<tune::Config> tuned = tuned_.config_for(
      key, space,
      [&](KernelCompiler& compiler) { return std::make_unique<ConvMeasurer>(s, space, compiler); });
  if (!tuned) return kernels_[key] = std::nullopt;
  const ConvSchedule schedule = conv_schedule_of(space, *tuned, s.depthwise());
  if (std::optional<ConvKernel> builtin = builtin_conv_kernel(schedule))
    return kernels_[key] = builtin;
  if (tuned_.compiler() == nullptr) {
    tuned_.set_source(key, "built in (no compiler for the logged schedule)");
    return kernels_[key] = std::nullopt;
  }
  return kernels_[key] = generated_conv_kernels(*tuned_.compiler(), {schedule}).front();
}

ConvKernel ConvKernelSource::kernel_of(const std::string& key) {
  const std::optional<ConvSchedule> schedule = ConvSchedule::parse(key);
  const std::string where = "schedule '" + key + "'";
  if (!schedule) throw Error(where, "is not a blocked convolution schedule");
  // Throws for a knob value outside this machine's space.
  conv_config_of(schedule->depthwise ? depthwise_space_ : direct_space_, *schedule, where);
  if (std::optional<ConvKernel> builtin = builtin_conv_kernel(*schedule)) return *builtin;
  if (tuned_.compiler() == nullptr)
    throw Error(where, "is not built in, and no C++ compiler runs here to generate it");
  return generated_conv_kernels(*tuned_.compiler(), {*schedule}).front();
}

}  // namespace tessera::infer::detail
