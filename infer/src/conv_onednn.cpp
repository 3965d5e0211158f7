// oneDNN's convolution as records of "infer.conv": "onednn-nchw" runs the primitive on the plan's
// NCHW buffers; "onednn-blocked" lets oneDNN pick its own (blocked) layouts, and "onednn-nhwc" and
// "onednn-nChw16c" (nChw8c without AVX-512) compute in those formats. Those three reorder the
// input, the residual and the output around the primitive, which their timings include, unless
// the plan passes the values on in their layouts; the fixed formats let the plan find one that a
// whole chain of convolutions shares. All pack the weights once, into the layout the primitive
// asks for, and apply the epilogue as post-ops (sum for the residual, eltwise for the activation).
#include <cstring>
#include <dnnl.hpp>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "conv_kernels.hpp"
#include "layout_onednn.hpp"
#include "tessera/core/buffer.hpp"
#include "tessera/core/cpu_features.hpp"

namespace tessera::infer::detail {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

class OnednnConv final : public ConvExecutor {
 public:
  /// Input in `input`, output in `output`: nchw, any (oneDNN picks), or a fixed format;
  /// `algorithm` direct or Winograd.
  OnednnConv(const ConvShape& s, const float* weight, const float* bias, tag input, tag output,
             dnnl::algorithm algorithm)
      : stream_(onednn_engine()) {
    dnnl::engine& engine = onednn_engine();
    const memory::dims src_dims{s.n, s.c, s.h, s.w}, dst_dims{s.n, s.k, s.oh, s.ow};
    const memory::dims weight_dims =
        s.groups == 1 ? memory::dims{s.k, s.c, s.r, s.s}
                      : memory::dims{s.groups, s.k / s.groups, s.c / s.groups, s.r, s.s};
    const auto f32 = memory::data_type::f32;
    user_src_ = memory::desc(src_dims, f32, tag::nchw);
    user_dst_ = memory::desc(dst_dims, f32, tag::nchw);
    const memory::desc src(src_dims, f32, input);
    const memory::desc dst(dst_dims, f32, output);
    const memory::desc weights(weight_dims, f32, tag::any);
    const memory::desc bias_desc({s.k}, f32, tag::x);

    dnnl::post_ops post;
    if (s.residual) post.append_sum(1.0f);
    switch (s.activation.kind) {
      case Activation::Kind::kNone:
        break;
      case Activation::Kind::kRelu:
        post.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        break;
      case Activation::Kind::kLeakyRelu:
        post.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, s.activation.alpha, 0.0f);
        break;
      case Activation::Kind::kClip:
        post.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, s.activation.lo, s.activation.hi);
        break;
    }
    dnnl::primitive_attr attr;
    attr.set_post_ops(post);
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, algorithm, src, weights, bias_desc, dst,
        {s.stride_h, s.stride_w}, {s.dilation_h - 1, s.dilation_w - 1}, {s.pad_top, s.pad_left},
        {s.pad_bottom, s.pad_right});
    pd_ = dnnl::convolution_forward::primitive_desc(desc, attr, engine);
    const auto fixed_format = [](tag t) { return t != tag::nchw && t != tag::any; };
    const bool fixed = fixed_format(input) || fixed_format(output);
    if (fixed && std::string_view(pd_.impl_info_str()).substr(0, 3) == "ref")
      throw std::runtime_error("oneDNN has only its reference convolution for this format");
    conv_ = dnnl::convolution_forward(pd_);

    // Weights packed once; the bias (zero where the node has none) kept here.
    memory user_weights(memory::desc(weight_dims, f32, s.groups == 1 ? tag::oihw : tag::goihw),
                        engine, const_cast<float*>(weight));
    weights_ = memory(pd_.weights_desc(), engine);
    dnnl::reorder(user_weights, weights_).execute(stream_, user_weights, weights_);
    bias_values_.assign(static_cast<std::size_t>(s.k), 0.0f);
    if (bias != nullptr) std::memcpy(bias_values_.data(), bias, bias_values_.size() * 4);
    bias_ = memory(bias_desc, engine, bias_values_.data());
    stream_.wait();

    // The user-side memories wrap the plan's buffers (handles set per run); the reorders between
    // them and the primitive's layouts are made once.
    user_x_ = memory(user_src_, engine, DNNL_MEMORY_NONE);
    user_y_ = memory(user_dst_, engine, DNNL_MEMORY_NONE);
    user_z_ = memory(user_dst_, engine, DNNL_MEMORY_NONE);
    reorder_src_ = pd_.src_desc() != user_src_;
    reorder_dst_ = pd_.dst_desc() != user_dst_;
    // The primitive's own input and output buffers, where its layouts are not NCHW.
    if (reorder_src_) src_buffer_ = AlignedBuffer<std::byte>(pd_.src_desc().get_size());
    if (reorder_dst_) dst_buffer_ = AlignedBuffer<std::byte>(pd_.dst_desc().get_size());
    src_ = reorder_src_ ? memory(pd_.src_desc(), engine, src_buffer_.data()) : user_x_;
    dst_ = reorder_dst_ ? memory(pd_.dst_desc(), engine, dst_buffer_.data()) : user_y_;
    if (reorder_src_) to_src_ = dnnl::reorder(user_x_, src_);
    if (reorder_dst_) {
      from_dst_ = dnnl::reorder(dst_, user_y_);
      to_dst_ = dnnl::reorder(user_z_, dst_);
    }
    residual_ = s.residual;
  }

  void run(const float* x, const float* z, float* y) override {
    user_x_.set_data_handle(const_cast<float*>(x));
    user_y_.set_data_handle(y);
    if (reorder_src_)
      src_.set_data_handle(own_x_ ? static_cast<void*>(const_cast<float*>(x)) : src_buffer_.data());
    if (reorder_dst_) dst_.set_data_handle(own_y_ ? static_cast<void*>(y) : dst_buffer_.data());
    if (reorder_src_ && !own_x_) to_src_.execute(stream_, user_x_, src_);
    if (residual_) {  // the sum post-op adds what the destination holds
      if (own_z_ || !reorder_dst_) {
        auto* to = static_cast<float*>(dst_.get_data_handle());
        if (z != to) std::memcpy(to, z, pd_.dst_desc().get_size());
      } else {
        user_z_.set_data_handle(const_cast<float*>(z));
        to_dst_.execute(stream_, user_z_, dst_);
      }
    }
    conv_.execute(stream_, {{DNNL_ARG_SRC, src_},
                            {DNNL_ARG_WEIGHTS, weights_},
                            {DNNL_ARG_BIAS, bias_},
                            {DNNL_ARG_DST, dst_}});
    if (reorder_dst_ && !own_y_) from_dst_.execute(stream_, dst_, user_y_);
    stream_.wait();
  }

  std::optional<OwnLayout> own_input_layout() const override {
    if (!reorder_src_) return std::nullopt;
    return own_layout_of(pd_.src_desc());
  }
  std::optional<OwnLayout> own_output_layout() const override {
    if (!reorder_dst_) return std::nullopt;
    return own_layout_of(pd_.dst_desc());
  }
  std::string implementation() const override { return pd_.impl_info_str(); }
  void use_own_layouts(bool x, bool z, bool y) override {
    own_x_ = x && reorder_src_;
    own_z_ = z && reorder_dst_;
    own_y_ = y && reorder_dst_;
  }

 private:
  dnnl::stream stream_;
  dnnl::convolution_forward::primitive_desc pd_;
  dnnl::convolution_forward conv_;
  memory::desc user_src_, user_dst_;
  memory weights_, bias_, src_, dst_, user_x_, user_y_, user_z_;
  AlignedBuffer<std::byte> src_buffer_, dst_buffer_;
  dnnl::reorder to_src_, to_dst_, from_dst_;
  std::vector<float> bias_values_;
  bool reorder_src_ = false, reorder_dst_ = false, residual_ = false;
  bool own_x_ = false, own_z_ = false, own_y_ = false;  // use_own_layouts
};

}  // namespace

void add_onednn_conv_kernels(KernelRegistry<ConvPrepare>& registry) {
  const bool avx512 = detect_cpu_features().avx512f;
  const tag vector_blocks = avx512 ? tag::nChw16c : tag::nChw8c;
  const std::int64_t vector_channels = avx512 ? 16 : 8;
  const auto direct = dnnl::algorithm::convolution_direct;
  const std::function<bool(const ConvShape&)> any_shape;
  const auto winograd_shape = [](const ConvShape& s) {  // the 3x3 stride-1 convolutions
    return s.groups == 1 && s.r == 3 && s.s == 3 && s.stride_h == 1 && s.stride_w == 1 &&
           s.dilation_h == 1 && s.dilation_w == 1;
  };
  // A network's first convolutions: so few input channels that blocking them would mostly pad.
  const auto few_input_channels = [vector_channels](const ConvShape& s) {
    return s.groups == 1 && s.c < vector_channels;
  };
  const struct {
    const char* name;
    tag input, output;
    dnnl::algorithm algorithm;
    std::function<bool(const ConvShape&)> takes;
    const char* description;
  } records[] = {
      {"onednn-nchw", tag::nchw, tag::nchw, direct, any_shape,
       "oneDNN convolution on NCHW buffers"},
      {"onednn-blocked", tag::any, tag::any, direct, any_shape,
       "oneDNN convolution in the layouts it picks, with reorders from and to NCHW"},
      {"onednn-nhwc", tag::nhwc, tag::nhwc, direct, any_shape,
       "oneDNN convolution in NHWC, with reorders from and to NCHW"},
      {avx512 ? "onednn-nChw16c" : "onednn-nChw8c", vector_blocks, vector_blocks, direct, any_shape,
       "oneDNN convolution in channel blocks of one vector, with reorders from and to NCHW"},
      {avx512 ? "onednn-nchw-nChw16c" : "onednn-nchw-nChw8c", tag::nchw, vector_blocks, direct,
       few_input_channels,
       "oneDNN convolution of an NCHW input of few channels into channel blocks of one vector, "
       "with a reorder to NCHW"},
      {"onednn-winograd", tag::any, tag::any, dnnl::algorithm::convolution_winograd, winograd_shape,
       "oneDNN Winograd convolution (3x3, stride 1) in the layouts it picks, with reorders from "
       "and to NCHW"},
  };
  for (const auto& r : records) {
    registry.add(conv_kernel(r.name, KernelBackend::kLibrary, r.description, r.takes,
                             [input = r.input, output = r.output, algorithm = r.algorithm](
                                 const ConvShape& s, const float* w, const float* b) {
                               return std::make_unique<OnednnConv>(s, w, b, input, output,
                                                                   algorithm);
                             }));
  }
}

}  // namespace tessera::infer::detail
