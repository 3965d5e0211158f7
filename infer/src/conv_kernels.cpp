// The project's own convolution records: im2col + OpenBLAS sgemm (any 2-D convolution) and a
// direct depthwise kernel, both finishing with the node's epilogue; the registry that also holds
// oneDNN's records (conv_onednn.cpp) where the build has oneDNN.
#include "conv_kernels.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "plan_ops.hpp"
#include "tessera/core/buffer.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer::detail {

#ifdef TESSERA_INFER_ONEDNN
void add_onednn_conv_kernels(KernelRegistry<ConvPrepare>& registry);
#endif
void add_generated_conv_kernel(KernelRegistry<ConvPrepare>& registry);
void add_blocked_conv_kernels(KernelRegistry<ConvPrepare>& registry);

std::optional<ConvShape> conv_shape_of(const Node& node, std::span<const std::int64_t> input_shape,
                                       std::span<const std::int64_t> weight_shape) {
  if (input_shape.size() != 4 || weight_shape.size() != 4) return std::nullopt;
  ConvShape s;
  s.n = input_shape[0], s.c = input_shape[1], s.h = input_shape[2], s.w = input_shape[3];
  s.k = weight_shape[0], s.r = weight_shape[2], s.s = weight_shape[3];
  s.groups = node.attribute<std::int64_t>("group", 1);
  if (s.groups < 1 || s.c != weight_shape[1] * s.groups || s.k % s.groups != 0) return std::nullopt;
  const auto pair = [&](std::string_view key) {
    return node.attribute<std::vector<std::int64_t>>(key, {1, 1});
  };
  const std::vector<std::int64_t> strides = pair("strides"), dilations = pair("dilations");
  std::vector<std::int64_t> pads = node.attribute<std::vector<std::int64_t>>("pads", {0, 0, 0, 0});
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) return std::nullopt;
  s.stride_h = strides[0], s.stride_w = strides[1];
  s.dilation_h = dilations[0], s.dilation_w = dilations[1];
  if (std::min({s.stride_h, s.stride_w, s.dilation_h, s.dilation_w, s.r, s.s}) < 1)
    return std::nullopt;
  const std::int64_t span_h = (s.r - 1) * s.dilation_h + 1, span_w = (s.s - 1) * s.dilation_w + 1;
  const std::string auto_pad = node.attribute<std::string>("auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    const auto same = [&](std::int64_t in, std::int64_t stride, std::int64_t span, std::int64_t& lo,
                          std::int64_t& hi) {
      const std::int64_t out = (in + stride - 1) / stride;
      const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + span - in, 0);
      lo = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      hi = total - lo;
    };
    same(s.h, s.stride_h, span_h, pads[0], pads[2]);
    same(s.w, s.stride_w, span_w, pads[1], pads[3]);
  } else if (auto_pad == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (auto_pad != "NOTSET") {
    return std::nullopt;
  }
  s.pad_top = pads[0], s.pad_left = pads[1], s.pad_bottom = pads[2], s.pad_right = pads[3];
  s.set_output_size();
  if (s.oh < 1 || s.ow < 1 || std::min({s.pad_top, s.pad_left, s.pad_bottom, s.pad_right}) < 0)
    return std::nullopt;
  s.activation = Activation::of(node);
  return s;
}

void im2col(const ConvShape& s, const float* in, float* columns) {
  const std::int64_t plane = s.oh * s.ow, rows = (s.c / s.groups) * s.r * s.s;
  parallel_for(static_cast<std::size_t>(rows), 16, [&](std::size_t, Range range) {
    for (auto row = static_cast<std::int64_t>(range.begin);
         row < static_cast<std::int64_t>(range.end); ++row) {
      const std::int64_t c = row / (s.r * s.s), r = row / s.s % s.r, t = row % s.s;
      float* out = columns + row * plane;
      const float* channel = in + c * s.h * s.w;
      for (std::int64_t oy = 0; oy < s.oh; ++oy) {
        const std::int64_t iy = oy * s.stride_h - s.pad_top + r * s.dilation_h;
        float* dst = out + oy * s.ow;
        if (iy < 0 || iy >= s.h) {
          std::fill(dst, dst + s.ow, 0.0f);
          continue;
        }
        const float* src = channel + iy * s.w;
        const std::int64_t shift = t * s.dilation_w - s.pad_left;
        for (std::int64_t ox = 0; ox < s.ow; ++ox) {
          const std::int64_t ix = ox * s.stride_w + shift;
          dst[ox] = ix >= 0 && ix < s.w ? src[ix] : 0.0f;
        }
      }
    }
  });
}

double own_layout_seconds(ConvExecutor& executor, const ConvShape& shape,
                          const tune::TimingOptions& timing) {
  const bool residual = shape.residual;
  const auto in = executor.own_input_layout();
  const auto out = executor.own_output_layout();
  AlignedBuffer<float> x(in ? (in->bytes + 3) / 4 : static_cast<std::size_t>(shape.input_size())),
      z((out && residual ? out->bytes + 3 : 0) / 4), y((out ? out->bytes + 3 : 0) / 4);
  std::fill(x.begin(), x.end(), 0.0f);
  std::fill(y.begin(), y.end(), 0.0f);
  std::fill(z.begin(), z.end(), 0.0f);
  executor.use_own_layouts(true, residual, true);
  const double seconds = tune::median_seconds(
      [&] { executor.run(x.data(), residual ? z.data() : nullptr, y.data()); }, timing);
  executor.use_own_layouts(false, false, false);
  return seconds;
}

namespace {

// y = activation(y + bias + z) over output channels [first, end) of image `image`.
void apply_epilogue(const ConvShape& s, const float* bias, const float* z, float* y,
                    std::int64_t image, std::int64_t first, std::int64_t end) {
  const std::int64_t plane = s.oh * s.ow;
  for (std::int64_t k = first; k < end; ++k) {
    const std::int64_t at = (image * s.k + k) * plane;
    float* out = y + at;
    const float b = bias != nullptr ? bias[k] : 0.0f;
    const float* add = z != nullptr ? z + at : nullptr;
    const Activation a = s.activation;
    if (add != nullptr) {
      for (std::int64_t i = 0; i < plane; ++i) out[i] = a(out[i] + b + add[i]);
    } else {
      for (std::int64_t i = 0; i < plane; ++i) out[i] = a(out[i] + b);
    }
  }
}

// im2col + sgemm per image and group: the columns of one image and group are its input patches,
// [C/g * R * S, OH * OW]; a 1x1 convolution of stride 1 without padding reads the input itself.
class Im2colGemm final : public ConvExecutor {
 public:
  Im2colGemm(const ConvShape& s, const float* weight, const float* bias)
      : s_(s), weight_(weight, weight + s.k * (s.c / s.groups) * s.r * s.s) {
    if (bias != nullptr) bias_.assign(bias, bias + s.k);
    direct_ = s.r == 1 && s.s == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
              s.pad_left == 0 && s.pad_bottom == 0 && s.pad_right == 0;
    if (!direct_) columns_.resize(static_cast<std::size_t>(rows() * s.oh * s.ow));
  }

  void run(const float* x, const float* z, float* y) override {
    const std::int64_t cg = s_.c / s_.groups, kg = s_.k / s_.groups, plane = s_.oh * s_.ow;
    // Column blocks of the output, one per thread, each an sgemm of its own (OpenBLAS runs on
    // the calling thread: two thread pools spinning on two cores slowed each other 2-5x).
    const std::size_t block = gemm_column_block(static_cast<std::size_t>(plane));
    for (std::int64_t image = 0; image < s_.n; ++image) {
      for (std::int64_t g = 0; g < s_.groups; ++g) {
        const float* in = x + (image * s_.c + g * cg) * s_.h * s_.w;
        const float* b = direct_ ? in : columns_.data();
        if (!direct_) im2col(s_, in, columns_.data());
        float* out = y + (image * s_.k + g * kg) * plane;
        parallel_for(static_cast<std::size_t>(plane), block, [&](std::size_t, Range r) {
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(kg),
                      static_cast<int>(r.end - r.begin), static_cast<int>(rows()), 1.0f,
                      weight_.data() + g * kg * rows(), static_cast<int>(rows()), b + r.begin,
                      static_cast<int>(plane), 0.0f, out + r.begin, static_cast<int>(plane));
        });
      }
      parallel_for(static_cast<std::size_t>(s_.k), 8, [&](std::size_t, Range r) {
        apply_epilogue(s_, bias_.empty() ? nullptr : bias_.data(), z, y, image,
                       static_cast<std::int64_t>(r.begin), static_cast<std::int64_t>(r.end));
      });
    }
  }

 private:
  std::int64_t rows() const { return (s_.c / s_.groups) * s_.r * s_.s; }

  ConvShape s_;
  std::vector<float> weight_, bias_, columns_;
  bool direct_ = false;
};

// One filter per channel, channel planes in parallel: each output row sums its taps over the
// span of columns whose input lies inside the image (no per-element bounds checks).
class Depthwise final : public ConvExecutor {
 public:
  Depthwise(const ConvShape& s, const float* weight, const float* bias)
      : s_(s), weight_(weight, weight + s.k * s.r * s.s) {
    if (bias != nullptr) bias_.assign(bias, bias + s.k);
  }

  void run(const float* x, const float* z, float* y) override {
    const std::int64_t planes = s_.n * s_.c;
    parallel_for(static_cast<std::size_t>(planes), 4, [&](std::size_t, Range range) {
      std::vector<float> acc(static_cast<std::size_t>(s_.ow));
      for (std::size_t p = range.begin; p < range.end; ++p) {
        const auto plane = static_cast<std::int64_t>(p);
        const std::int64_t channel = plane % s_.c;
        const float* in = x + plane * s_.h * s_.w;
        const float* filter = weight_.data() + channel * s_.r * s_.s;
        float* out = y + plane * s_.oh * s_.ow;
        const float* add = z != nullptr ? z + plane * s_.oh * s_.ow : nullptr;
        const float b = bias_.empty() ? 0.0f : bias_[static_cast<std::size_t>(channel)];
        for (std::int64_t oy = 0; oy < s_.oh; ++oy) {
          std::fill(acc.begin(), acc.end(), 0.0f);
          for (std::int64_t r = 0; r < s_.r; ++r) {
            const std::int64_t iy = oy * s_.stride_h - s_.pad_top + r * s_.dilation_h;
            if (iy < 0 || iy >= s_.h) continue;
            for (std::int64_t t = 0; t < s_.s; ++t)
              tap(in + iy * s_.w, filter[r * s_.s + t], t, acc.data());
          }
          float* row = out + oy * s_.ow;
          const float* add_row = add != nullptr ? add + oy * s_.ow : nullptr;
          for (std::int64_t ox = 0; ox < s_.ow; ++ox) {
            row[ox] = s_.activation(acc[ox] + b + (add_row != nullptr ? add_row[ox] : 0.0f));
          }
        }
      }
    });
  }

 private:
  // acc[ox] += weight * row[ox * stride + t * dilation - pad] where that column is inside.
  void tap(const float* row, float weight, std::int64_t t, float* acc) const {
    const std::int64_t shift = t * s_.dilation_w - s_.pad_left, stride = s_.stride_w;
    // ox from first (shift + ox * stride >= 0) to end (shift + ox * stride < w).
    const std::int64_t first = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    const std::int64_t end = std::min(s_.ow, (s_.w - shift + stride - 1) / stride);
    if (stride == 1) {
      for (std::int64_t ox = first; ox < end; ++ox) acc[ox] += weight * row[ox + shift];
    } else {
      for (std::int64_t ox = first; ox < end; ++ox) acc[ox] += weight * row[ox * stride + shift];
    }
  }

  ConvShape s_;
  std::vector<float> weight_, bias_;
};

KernelRegistry<ConvPrepare>& make_registry() {
  static KernelRegistry<ConvPrepare> registry(
      "infer.conv", "2-D convolution with a fused epilogue (bias, residual, activation), NCHW");
  registry.add(conv_kernel("im2col-openblas", KernelBackend::kLibrary,
                           "im2col, then OpenBLAS sgemm per image and group", nullptr,
                           [](const ConvShape& s, const float* w, const float* b) {
                             return std::make_unique<Im2colGemm>(s, w, b);
                           }));
  registry.add(conv_kernel(
      "depthwise", KernelBackend::kCpu, "direct depthwise convolution, channel planes in parallel",
      [](const ConvShape& s) { return s.depthwise(); },
      [](const ConvShape& s, const float* w, const float* b) {
        return std::make_unique<Depthwise>(s, w, b);
      }));
  add_generated_conv_kernel(registry);
  add_blocked_conv_kernels(registry);
#ifdef TESSERA_INFER_ONEDNN
  add_onednn_conv_kernels(registry);
#endif
  return registry;
}

}  // namespace

Kernel<ConvPrepare> conv_kernel(std::string name, KernelBackend backend, std::string description,
                                std::function<bool(const ConvShape&)> takes,
                                MakeConvExecutor make) {
  Kernel<ConvPrepare> k;
  k.name = std::move(name);
  k.backend = backend;
  k.description = std::move(description);
  if (takes) k.can_run = [takes](const ConvPrepare& p) { return takes(*p.shape); };
  k.run = [make](const ConvPrepare& p, std::span<std::byte>) {
    *p.result = make(*p.shape, p.weight, p.bias);
  };
  return k;
}

const KernelRegistry<ConvPrepare>& conv_kernels() {
  static const KernelRegistry<ConvPrepare>& registry = make_registry();
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the plan lists it.
const auto& kConvKernels = conv_kernels();
}  // namespace

}  // namespace tessera::infer::detail
