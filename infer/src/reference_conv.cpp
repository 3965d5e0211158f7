// Reference operators over spatial windows of NC... tensors (any number of spatial dimensions):
// Conv (groups, strides, dilations, pads or auto_pad, bias), FusedConv (Conv, residual,
// activation), MaxPool and AveragePool (ceil_mode, count_include_pad), GlobalAveragePool,
// BatchNormalization (inference) and LRN. Sums run in double; the ONNX operator definitions are the
// specification.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "epilogue.hpp"
#include "reference_ops.hpp"
#include "tessera/core/error.hpp"

namespace tessera::infer {
namespace {

// The window geometry of a Conv or pool over spatial dimensions `in` (of N, C, spatial...).
struct Window {
  std::vector<std::int64_t> kernel, strides, dilations, pad_begin, out;
};

Window window_of(const Node& node, std::span<const std::int64_t> in,
                 std::vector<std::int64_t> kernel, bool ceil_mode) {
  const std::size_t n = in.size();
  Window w;
  w.kernel = std::move(kernel);
  if (w.kernel.size() != n) {
    throw Error(node.describe(), fmt::format("has a kernel of {} dimensions over {} spatial ones",
                                             w.kernel.size(), n));
  }
  w.strides = node.attribute<std::vector<std::int64_t>>("strides", std::vector<std::int64_t>(n, 1));
  w.dilations =
      node.attribute<std::vector<std::int64_t>>("dilations", std::vector<std::int64_t>(n, 1));
  std::vector<std::int64_t> pads =
      node.attribute<std::vector<std::int64_t>>("pads", std::vector<std::int64_t>(2 * n, 0));
  if (w.strides.size() != n || w.dilations.size() != n || pads.size() != 2 * n) {
    throw Error(node.describe(), "has strides, dilations or pads of the wrong length");
  }
  const std::string auto_pad = node.attribute<std::string>("auto_pad", "NOTSET");
  w.pad_begin.resize(n);
  w.out.resize(n);
  for (std::size_t d = 0; d < n; ++d) {
    if (w.strides[d] < 1 || w.dilations[d] < 1 || w.kernel[d] < 1) {
      throw Error(node.describe(), "has a kernel, stride or dilation below 1");
    }
    const std::int64_t span = (w.kernel[d] - 1) * w.dilations[d] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      w.out[d] = (in[d] + w.strides[d] - 1) / w.strides[d];
      const std::int64_t total =
          std::max<std::int64_t>((w.out[d] - 1) * w.strides[d] + span - in[d], 0);
      w.pad_begin[d] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      continue;
    }
    if (auto_pad == "VALID") {
      pads[d] = pads[d + n] = 0;
    } else if (auto_pad != "NOTSET") {
      throw Error(node.describe(),
                  fmt::format("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID",
                              auto_pad));
    }
    w.pad_begin[d] = pads[d];
    const std::int64_t room = in[d] + pads[d] + pads[d + n] - span;
    if (room < 0) throw Error(node.describe(), "has a window larger than its padded input");
    w.out[d] = (ceil_mode ? (room + w.strides[d] - 1) / w.strides[d] : room / w.strides[d]) + 1;
    // A last window that would start in the end padding is dropped (as ONNX's reference does).
    if (ceil_mode && (w.out[d] - 1) * w.strides[d] >= in[d] + pads[d]) --w.out[d];
  }
  return w;
}

// Calls f(o, k, at) for every spatial output position o (flat), kernel tap k (flat) and input
// position `at` (flat) that the tap reads inside the input; taps that fall in the padding are
// skipped. Tap by tap, the last spatial dimension innermost, its in-range outputs computed once
// per tap.
template <class F>
void for_each_window(const Window& w, std::span<const std::int64_t> in, F f) {
  const std::size_t n = in.size();
  const std::size_t taps = element_count(w.kernel);
  const std::size_t rows = element_count(std::span<const std::int64_t>(w.out).first(n - 1));
  const std::int64_t out_last = w.out[n - 1], in_last = in[n - 1], step = w.strides[n - 1];
  std::vector<std::int64_t> k(n, 0), o(n, 0);
  for (std::size_t ki = 0; ki < taps; ++ki) {
    // Outputs [first, end) of the last dimension read x = o·step + base within [0, in_last).
    const std::int64_t base = k[n - 1] * w.dilations[n - 1] - w.pad_begin[n - 1];
    const std::int64_t first = base >= 0 ? 0 : (-base + step - 1) / step;
    const std::int64_t end =
        base >= in_last ? 0 : std::min(out_last, (in_last - 1 - base) / step + 1);
    std::fill(o.begin(), o.end(), 0);
    for (std::size_t row = 0; row < rows; ++row) {
      std::int64_t in_row = 0;
      bool inside = true;
      for (std::size_t d = 0; d + 1 < n; ++d) {
        const std::int64_t x = o[d] * w.strides[d] - w.pad_begin[d] + k[d] * w.dilations[d];
        inside = inside && x >= 0 && x < in[d];
        in_row = in_row * in[d] + x;
      }
      if (inside) {
        const std::size_t out_row = row * static_cast<std::size_t>(out_last);
        const std::int64_t at = in_row * in_last + base;
        for (std::int64_t ol = first; ol < end; ++ol)
          f(out_row + static_cast<std::size_t>(ol), ki, at + ol * step);
      }
      next_index(o, std::span<const std::int64_t>(w.out).first(n - 1));
    }
    next_index(k, w.kernel);
  }
}

std::vector<Tensor> conv(const Node& node, std::span<const Tensor* const> inputs, std::int64_t) {
  const Tensor& x = input_at(node, inputs, 0);
  const Tensor& weight = input_at(node, inputs, 1);
  const Tensor* bias = optional_input(inputs, 2);
  require_float32(node, x);
  require_float32(node, weight);
  if (x.rank() < 3 || weight.rank() != x.rank()) {
    throw Error(node.describe(), fmt::format("convolves {} with weights {}", shape_string(x.shape),
                                             shape_string(weight.shape)));
  }
  const std::int64_t groups = node.attribute<std::int64_t>("group", 1);
  const std::int64_t batch = x.shape[0], channels = x.shape[1], features = weight.shape[0];
  const std::int64_t per_group = weight.shape[1];
  if (groups < 1 || channels != per_group * groups || features % groups != 0) {
    throw Error(node.describe(), fmt::format("has {} input channels, weights {} and {} groups",
                                             channels, shape_string(weight.shape), groups));
  }
  const std::span<const std::int64_t> in(x.shape.data() + 2, x.rank() - 2);
  std::vector<std::int64_t> kernel(weight.shape.begin() + 2, weight.shape.end());
  if (node.has_attribute("kernel_shape") &&
      node.required_attribute<std::vector<std::int64_t>>("kernel_shape") != kernel) {
    throw Error(node.describe(), "has a kernel_shape unlike its weights'");
  }
  const Window w = window_of(node, in, kernel, false);
  std::vector<std::int64_t> shape{batch, features};
  shape.insert(shape.end(), w.out.begin(), w.out.end());
  Tensor out(DataType::kFloat32, shape);
  const std::size_t in_size = element_count(in), out_size = element_count(w.out),
                    taps = element_count(kernel);
  if (bias != nullptr &&
      (bias->size() != static_cast<std::size_t>(features) || bias->type != DataType::kFloat32)) {
    throw Error(node.describe(), "takes a float32 bias of one value per output channel");
  }
  const auto px = x.data<float>();
  const auto pw = weight.data<float>();
  auto po = out.data<float>();
  std::vector<double> acc(out_size);
  const std::int64_t features_per_group = features / groups;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t f = 0; f < features; ++f) {
      std::fill(acc.begin(), acc.end(),
                bias != nullptr ? bias->data<float>()[static_cast<std::size_t>(f)] : 0.0);
      const std::int64_t g = f / features_per_group;
      for (std::int64_t c = 0; c < per_group; ++c) {
        const float* image =
            px.data() + static_cast<std::size_t>(b * channels + g * per_group + c) * in_size;
        const float* filter = pw.data() + static_cast<std::size_t>(f * per_group + c) * taps;
        for_each_window(w, in, [&](std::size_t o, std::size_t k, std::int64_t at) {
          acc[o] += static_cast<double>(image[at]) * filter[k];
        });
      }
      float* dst = po.data() + static_cast<std::size_t>(b * features + f) * out_size;
      for (std::size_t o = 0; o < out_size; ++o) dst[o] = static_cast<float>(acc[o]);
    }
  }
  return {out};
}

// FusedConv (pass_epilogue_fusion.cpp): Conv, plus the residual input z (broadcast as Add does),
// then the activation.
std::vector<Tensor> fused_conv(const Node& node, std::span<const Tensor* const> inputs,
                               std::int64_t opset) {
  std::vector<Tensor> out =
      conv(node, inputs.first(std::min<std::size_t>(inputs.size(), 3)), opset);
  if (const Tensor* z = optional_input(inputs, 3)) {
    const std::array<const Tensor*, 2> operands = {&out[0], z};
    out = find_reference_op("Add")(node, operands, opset);
  }
  const detail::Activation activation = detail::Activation::of(node);
  for (float& v : out[0].data<float>()) v = activation(v);
  return out;
}

template <bool kMax>
std::vector<Tensor> pool(const Node& node, std::span<const Tensor* const> inputs, std::int64_t) {
  const Tensor& x = input_at(node, inputs, 0);
  // MaxPool also takes 8-bit integers (opset 12); both compute in double, exact for these types.
  const bool integer = x.type == DataType::kInt8 || x.type == DataType::kUint8;
  if (!(kMax && integer)) require_float32(node, x);
  if (x.rank() < 3)
    throw Error(node.describe(), fmt::format("pools {}: it needs N, C and spatial dimensions",
                                             shape_string(x.shape)));
  if (node.outputs.size() > 1 && !node.outputs[1].empty()) {
    throw Unsupported(node.describe(),
                      "asks for the argmax indices output, which is not supported");
  }
  if (node.attribute<std::int64_t>("storage_order", 0) != 0)
    throw Unsupported(node.describe(), "uses column-major storage_order");
  const std::span<const std::int64_t> in(x.shape.data() + 2, x.rank() - 2);
  const bool ceil_mode = node.attribute<std::int64_t>("ceil_mode", 0) != 0;
  const Window w = window_of(
      node, in, node.required_attribute<std::vector<std::int64_t>>("kernel_shape"), ceil_mode);
  const bool count_pad = node.attribute<std::int64_t>("count_include_pad", 0) != 0;
  std::vector<std::int64_t> shape{x.shape[0], x.shape[1]};
  shape.insert(shape.end(), w.out.begin(), w.out.end());
  Tensor out(x.type, shape);
  const std::size_t in_size = element_count(in), out_size = element_count(w.out);
  std::vector<double> px(x.size());
  with_type(x.type, [&](auto zero) {
    const auto d = x.data<decltype(zero)>();
    std::copy(d.begin(), d.end(), px.begin());
    return 0;
  });
  std::vector<double> po(out.size());
  std::vector<double> acc(out_size);
  std::vector<std::int64_t> count(out_size);
  // count_include_pad counts the explicit padding, not the part of a ceil_mode window past it.
  std::vector<std::int64_t> padded(in.size());
  const auto pads = node.attribute<std::vector<std::int64_t>>(
      "pads", std::vector<std::int64_t>(2 * in.size(), 0));
  for (std::size_t d = 0; d < in.size(); ++d) padded[d] = in[d] + pads[d] + pads[d + in.size()];
  for (std::size_t plane = 0; plane < static_cast<std::size_t>(x.shape[0] * x.shape[1]); ++plane) {
    const double* image = px.data() + plane * in_size;
    std::fill(acc.begin(), acc.end(), kMax ? -std::numeric_limits<double>::infinity() : 0.0);
    std::fill(count.begin(), count.end(), 0);
    for_each_window(w, in, [&](std::size_t o, std::size_t, std::int64_t at) {
      if (kMax) {
        acc[o] = std::max(acc[o], static_cast<double>(image[at]));
      } else {
        acc[o] += image[at];
      }
      ++count[o];
    });
    if (!kMax && count_pad) {
      // The window's taps that lie within the padded extent, counted in each dimension.
      std::vector<std::int64_t> o(in.size(), 0);
      for (std::size_t oi = 0; oi < out_size; ++oi) {
        std::int64_t taps = 1;
        for (std::size_t d = 0; d < in.size(); ++d) {
          std::int64_t inside = 0;
          for (std::int64_t k = 0; k < w.kernel[d]; ++k) {
            const std::int64_t p =
                o[d] * w.strides[d] + k * w.dilations[d];  // in padded coordinates
            inside += p < padded[d] ? 1 : 0;
          }
          taps *= inside;
        }
        count[oi] = taps;
        next_index(o, w.out);
      }
    }
    double* dst = po.data() + plane * out_size;
    for (std::size_t o = 0; o < out_size; ++o) {
      dst[o] = kMax ? acc[o] : acc[o] / static_cast<double>(std::max<std::int64_t>(count[o], 1));
    }
  }
  with_type(out.type, [&](auto zero) {
    using T = decltype(zero);
    auto d = out.data<T>();
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<T>(po[i]);
    return 0;
  });
  return {out};
}

std::vector<Tensor> global_average_pool(const Node& node, std::span<const Tensor* const> inputs,
                                        std::int64_t) {
  const Tensor& x = input_at(node, inputs, 0);
  require_float32(node, x);
  if (x.rank() < 3)
    throw Error(node.describe(), fmt::format("pools {}: it needs N, C and spatial dimensions",
                                             shape_string(x.shape)));
  std::vector<std::int64_t> shape(x.rank(), 1);
  shape[0] = x.shape[0];
  shape[1] = x.shape[1];
  Tensor out(DataType::kFloat32, shape);
  const std::size_t planes = out.size(), area = planes == 0 ? 0 : x.size() / planes;
  const auto px = x.data<float>();
  auto po = out.data<float>();
  for (std::size_t p = 0; p < planes; ++p) {
    double s = 0;
    for (std::size_t i = 0; i < area; ++i) s += px[p * area + i];
    po[p] = static_cast<float>(s / static_cast<double>(area));
  }
  return {out};
}

// y = scale·(x − mean)/sqrt(var + epsilon) + B per channel (inference: the running statistics).
std::vector<Tensor> batch_normalization(const Node& node, std::span<const Tensor* const> inputs,
                                        std::int64_t) {
  const Tensor& x = input_at(node, inputs, 0);
  require_float32(node, x);
  if (node.attribute<std::int64_t>("training_mode", 0) != 0) {
    throw Unsupported(node.describe(), "runs in training mode: only inference is supported");
  }
  if (x.rank() < 2) throw Error(node.describe(), "needs N and C dimensions");
  const std::size_t channels = static_cast<std::size_t>(x.shape[1]);
  std::span<const float> params[4];
  for (std::size_t i = 0; i < 4; ++i) {
    const Tensor& p = input_at(node, inputs, i + 1);
    require_float32(node, p);
    if (p.size() != channels)
      throw Error(node.describe(),
                  fmt::format("has {} values where {} channels need one each", p.size(), channels));
    params[i] = p.data<float>();
  }
  const double epsilon = node.attribute<float>("epsilon", 1e-5f);
  Tensor out = x;
  auto po = out.data<float>();
  const std::size_t area =
      x.size() / std::max<std::size_t>(static_cast<std::size_t>(x.shape[0]) * channels, 1);
  for (std::size_t i = 0; i < po.size(); ++i) {
    const std::size_t c = (i / area) % channels;
    const double inv = 1.0 / std::sqrt(static_cast<double>(params[3][c]) + epsilon);
    po[i] = static_cast<float>(params[0][c] * (po[i] - params[2][c]) * inv + params[1][c]);
  }
  return {out};
}

// Local response normalization across channels: x / (bias + alpha/size · Σ x²)^beta.
std::vector<Tensor> lrn(const Node& node, std::span<const Tensor* const> inputs, std::int64_t) {
  const Tensor& x = input_at(node, inputs, 0);
  require_float32(node, x);
  if (x.rank() < 3) throw Error(node.describe(), "needs N, C and spatial dimensions");
  const std::int64_t size = node.required_attribute<std::int64_t>("size");
  const double alpha = node.attribute<float>("alpha", 1e-4f),
               beta = node.attribute<float>("beta", 0.75f);
  const double bias = node.attribute<float>("bias", 1.0f);
  const std::int64_t channels = x.shape[1];
  const std::size_t area =
      x.size() / static_cast<std::size_t>(std::max<std::int64_t>(x.shape[0] * channels, 1));
  const auto px = x.data<float>();
  Tensor out = x;
  auto po = out.data<float>();
  const std::int64_t before = (size - 1) / 2, after = size / 2;  // floor and ceil of (size - 1) / 2
  for (std::int64_t b = 0; b < x.shape[0]; ++b) {
    for (std::int64_t c = 0; c < channels; ++c) {
      for (std::size_t i = 0; i < area; ++i) {
        double square_sum = 0;
        for (std::int64_t j = std::max<std::int64_t>(0, c - before);
             j <= std::min(channels - 1, c + after); ++j) {
          const double v = px[static_cast<std::size_t>(b * channels + j) * area + i];
          square_sum += v * v;
        }
        const std::size_t at = static_cast<std::size_t>(b * channels + c) * area + i;
        po[at] = static_cast<float>(
            px[at] / std::pow(bias + alpha / static_cast<double>(size) * square_sum, beta));
      }
    }
  }
  return {out};
}

constexpr ReferenceOpEntry kOps[] = {
    {"Conv", &conv},
    {"FusedConv", &fused_conv},
    {"MaxPool", &pool<true>},
    {"AveragePool", &pool<false>},
    {"GlobalAveragePool", &global_average_pool},
    {"BatchNormalization", &batch_normalization},
    {"LRN", &lrn},
};

}  // namespace

std::span<const ReferenceOpEntry> conv_ops() { return kOps; }

}  // namespace tessera::infer
