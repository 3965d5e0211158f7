// The executor of the blocked-layout convolutions (conv_blocked.hpp): it computes in channel
// blocks of one vector ("nChw16c" with AVX-512), the layout oneDNN's records of that format use
// too, so values pass between them without reorders; weights are packed once for its kernel. On
// NCHW buffers the executor reorders the input, the residual and the output around the kernel,
// which its timing in the plan then includes.
#include "conv_blocked.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "loop_nest_run.hpp"
#include "tessera/core/buffer.hpp"
#include "tessera/core/threads.hpp"
#ifdef TESSERA_INFER_ONEDNN
#include "layout_onednn.hpp"
#endif

namespace tessera::infer::detail {
namespace {

std::int64_t blocks_of(std::int64_t channels, int vw) { return (channels + vw - 1) / vw; }

// The layout of an activation [n, c, h, w] in blocks of `vw` channels; where the build has oneDNN,
// its descriptor of that format, so that the keys match those of its records.
OwnLayout blocked_layout(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w, int vw) {
  const std::string name = fmt::format("nChw{}c", vw);
#ifdef TESSERA_INFER_ONEDNN
  if (const auto d = format_desc({n, c, h, w}, name)) return own_layout_of(*d);
#endif
  const auto bytes = static_cast<std::size_t>(n * blocks_of(c, vw) * h * w * vw) * sizeof(float);
  return {fmt::format("{}:{}x{}x{}x{}", name, n, c, h, w), bytes, name};
}

// Between NCHW [n, c, plane] and blocks of `vw` channels (`into_blocks`: from NCHW), the lanes
// past c zero in the blocked side.
void reorder_blocks(const float* from, float* to, std::int64_t n, std::int64_t c,
                    std::int64_t plane, int vw, bool into_blocks) {
  const std::int64_t cb = blocks_of(c, vw);
  parallel_for(static_cast<std::size_t>(n * cb), 1, [&](std::size_t, Range r) {
    for (auto b = static_cast<std::int64_t>(r.begin); b < static_cast<std::int64_t>(r.end); ++b) {
      const std::int64_t image = b / cb, first = b % cb * vw;
      for (int e = 0; e < vw; ++e) {
        const std::int64_t nchw = (image * c + first + e) * plane, blocked = b * plane * vw + e;
        const bool inside = first + e < c;
        for (std::int64_t p = 0; p < plane; ++p) {
          if (into_blocks) to[blocked + p * vw] = inside ? from[nchw + p] : 0.0f;
          if (!into_blocks && inside) to[nchw + p] = from[blocked + p * vw];
        }
      }
    }
  });
}

class BlockedConv final : public ConvExecutor {
 public:
  BlockedConv(const ConvShape& s, const float* weight, const float* bias, const ConvKernel& kernel)
      : s_(s), kernel_(kernel), vw_(kernel.schedule.w) {
    const std::int64_t cb = blocks_of(s.c, vw_), kb = blocks_of(s.k, vw_);
    pack_weights(weight, cb, kb);
    bias_ = AlignedBuffer<float>(static_cast<std::size_t>(kb * vw_));
    std::fill(bias_.begin(), bias_.end(), 0.0f);
    if (bias != nullptr) std::copy(bias, bias + s.k, bias_.begin());
    const Activation& a = s.activation;
    call_ = ConvCall{nullptr,
                     packed_.data(),
                     bias_.data(),
                     nullptr,
                     nullptr,
                     s.n,
                     cb,
                     s.h,
                     s.w,
                     kb,
                     s.k,
                     s.oh,
                     s.ow,
                     s.r,
                     s.s,
                     s.stride_h,
                     s.stride_w,
                     s.dilation_h,
                     s.dilation_w,
                     s.pad_top,
                     s.pad_left,
                     0,
                     a.lo,
                     a.hi,
                     a.alpha,
                     0,
                     0,
                     nullptr};
    call_.activation = a.kind == Activation::Kind::kRelu        ? 1
                       : a.kind == Activation::Kind::kClip      ? 2
                       : a.kind == Activation::Kind::kLeakyRelu ? 3
                                                                : 0;
    x_ = AlignedBuffer<float>(own_input_layout()->bytes / sizeof(float));
    y_ = AlignedBuffer<float>(own_output_layout()->bytes / sizeof(float));
    z_ = AlignedBuffer<float>(s.residual ? y_.size() : 0);
  }

  void run(const float* x, const float* z, float* y) override {
    ConvCall call = call_;
    call.x = x, call.z = s_.residual ? z : nullptr, call.y = y;
    if (!own_x_)
      reorder_blocks(x, x_.data(), s_.n, s_.c, s_.h * s_.w, vw_, true), call.x = x_.data();
    if (s_.residual && !own_z_)
      reorder_blocks(z, z_.data(), s_.n, s_.k, s_.oh * s_.ow, vw_, true), call.z = z_.data();
    const ConvSchedule& schedule = kernel_.schedule;
    if (call.z == call.y && schedule.icb != 0)  // partial sums would overwrite z: a copy first
      std::copy(z, z + z_.size(), z_.begin()), call.z = z_.data();
    if (!own_y_) call.y = y_.data();
    run_in_pieces(
        kernel_.run, call, conv_units(call, schedule.depthwise ? 1 : schedule.ocb),
        static_cast<std::size_t>(
            schedule.depthwise ? 0 : conv_workspace_floats(call, vw_, schedule.owb, schedule.icb)),
        workspaces_);
    if (!own_y_) reorder_blocks(call.y, y, s_.n, s_.k, s_.oh * s_.ow, vw_, false);
  }

  std::optional<OwnLayout> own_input_layout() const override {
    return blocked_layout(s_.n, s_.c, s_.h, s_.w, vw_);
  }
  std::optional<OwnLayout> own_output_layout() const override {
    return blocked_layout(s_.n, s_.k, s_.oh, s_.ow, vw_);
  }
  void use_own_layouts(bool x, bool z, bool y) override { own_x_ = x, own_z_ = z, own_y_ = y; }
  std::string schedule() const override { return kernel_.schedule.key(); }

 private:
  // Direct: [groups of OCB output blocks][cb][r][s][vw inputs][OCB][vw outputs]; depthwise:
  // [kb][r][s][vw]; zero past the channels.
  void pack_weights(const float* weight, std::int64_t cb, std::int64_t kb) {
    const ConvSchedule& schedule = kernel_.schedule;
    const std::int64_t taps = s_.r * s_.s, ocb = schedule.ocb;
    const std::int64_t size =
        schedule.depthwise ? kb * taps * vw_ : (kb + ocb - 1) / ocb * ocb * cb * taps * vw_ * vw_;
    packed_ = AlignedBuffer<float>(static_cast<std::size_t>(size));
    std::fill(packed_.begin(), packed_.end(), 0.0f);
    const std::int64_t inputs = schedule.depthwise ? 1 : s_.c;
    for (std::int64_t k = 0; k < s_.k; ++k) {
      for (std::int64_t c = 0; c < inputs; ++c) {
        for (std::int64_t t = 0; t < taps; ++t) {
          const std::int64_t block = k / vw_, lane = k % vw_;
          const std::int64_t at =
              schedule.depthwise
                  ? (block * taps + t) * vw_ + lane
                  : ((((block / ocb) * cb + c / vw_) * taps + t) * vw_ + c % vw_) * ocb * vw_ +
                        block % ocb * vw_ + lane;
          packed_[static_cast<std::size_t>(at)] = weight[(k * inputs + c) * taps + t];
        }
      }
    }
  }

  ConvShape s_;
  ConvKernel kernel_;
  int vw_;
  ConvCall call_{};
  AlignedBuffer<float> packed_, bias_, x_, z_, y_;
  std::vector<AlignedBuffer<float>> workspaces_;
  bool own_x_ = false, own_z_ = false, own_y_ = false;
};

}  // namespace

std::unique_ptr<ConvExecutor> make_blocked_conv(const ConvShape& s, const float* weight,
                                                const float* bias, const ConvKernel& kernel) {
  return std::make_unique<BlockedConv>(s, weight, bias, kernel);
}

}  // namespace tessera::infer::detail
