// The generated-GEMM convolution record: an ungrouped convolution as C (K, OH*OW) = W (K, C*R*S)
// · columns (C*R*S, OH*OW) per image, the weights packed once into the kernel's row panels, the
// columns read from the input itself for a 1x1 stride-1 unpadded convolution and made by im2col
// otherwise, and bias, residual and activation applied by the kernel's epilogue.
#include "conv_kernels.hpp"
#include "gemm_tuning.hpp"

namespace tessera::infer::detail {
namespace {

class GeneratedGemmConv final : public ConvExecutor {
 public:
  GeneratedGemmConv(const ConvShape& s, const float* weight, const float* bias, GemmKernel kernel)
      : s_(s),
        kernel_(std::move(kernel)),
        packed_(pack_gemm_a(weight, s.k, rows(), kernel_.schedule.mr)) {
    if (bias != nullptr) bias_.assign(bias, bias + s.k);
    direct_ = s.r == 1 && s.s == 1 && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 &&
              s.pad_left == 0 && s.pad_bottom == 0 && s.pad_right == 0;
    if (!direct_) columns_.resize(static_cast<std::size_t>(rows() * s.oh * s.ow));
  }

  std::string schedule() const override { return kernel_.schedule.key(); }

  void run(const float* x, const float* z, float* y) override {
    const std::int64_t plane = s_.oh * s_.ow;
    const Activation& a = s_.activation;
    const int activation = a.kind == Activation::Kind::kRelu        ? 1
                           : a.kind == Activation::Kind::kClip      ? 2
                           : a.kind == Activation::Kind::kLeakyRelu ? 3
                                                                    : 0;
    for (std::int64_t image = 0; image < s_.n; ++image) {
      const float* in = x + image * s_.c * s_.h * s_.w;
      if (!direct_) im2col(s_, in, columns_.data());
      const GemmCall call{packed_.data(),
                          direct_ ? in : columns_.data(),
                          plane,
                          y + image * s_.k * plane,
                          plane,
                          bias_.empty() ? nullptr : bias_.data(),
                          z != nullptr ? z + image * s_.k * plane : nullptr,
                          plane,
                          s_.k,
                          plane,
                          rows(),
                          activation,
                          a.lo,
                          a.hi,
                          a.alpha,
                          0,
                          0,
                          nullptr};
      run_gemm(kernel_, call, workspaces_);
    }
  }

 private:
  std::int64_t rows() const { return s_.c * s_.r * s_.s; }

  ConvShape s_;
  GemmKernel kernel_;
  AlignedBuffer<float> packed_;
  std::vector<float> bias_, columns_;
  std::vector<AlignedBuffer<float>> workspaces_;
  bool direct_ = false;
};

// The GEMM task of ungrouped convolution `s`, per image.
GemmTask conv_gemm_task(const ConvShape& s) { return {s.k, s.oh * s.ow, s.c * s.r * s.s}; }

}  // namespace

void add_generated_conv_kernel(KernelRegistry<ConvPrepare>& registry) {
  Kernel<ConvPrepare> k;
  k.name = "generated-gemm";
  k.backend = KernelBackend::kCpu;
  k.description = "im2col, then the loop-nest GEMM (tuned and generated, else built in)";
  k.can_run = [](const ConvPrepare& p) { return p.shape->groups == 1; };
  k.run = [](const ConvPrepare& p, std::span<std::byte>) {
    const GemmTask task = conv_gemm_task(*p.shape);
    GemmKernel kernel = p.gemm == nullptr       ? *builtin_gemm_kernel(default_gemm_schedule(task))
                        : p.schedule != nullptr ? p.gemm->kernel_of(*p.schedule)
                                                : p.gemm->kernel_for(task);
    *p.result = std::make_unique<GeneratedGemmConv>(*p.shape, p.weight, p.bias, std::move(kernel));
  };
  registry.add(std::move(k));
}

}  // namespace tessera::infer::detail
