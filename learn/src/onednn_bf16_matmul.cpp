// oneDNN's matmul primitive in bf16 (fp32 destination), its weights reordered once.
#include "tessera/learn/onednn_bf16_matmul.hpp"

#include <fmt/format.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "tessera/core/error.hpp"

namespace tessera::learn {

struct OnednnBf16Matmul::State {
  dnnl::engine engine;
  dnnl::stream stream;
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul primitive;
  dnnl::memory::desc a_desc, c_desc;
  dnnl::memory weights;
};

OnednnBf16Matmul::OnednnBf16Matmul(std::size_t m, std::size_t n, std::size_t k,
                                   const std::uint16_t* b)
    : state_(std::make_unique<State>()) {
  using dt = dnnl::memory::data_type;
  using tag = dnnl::memory::format_tag;
  const auto d = [](std::size_t x) { return static_cast<dnnl::memory::dim>(x); };
  try {
    State& s = *state_;
    s.engine = dnnl::engine(dnnl::engine::kind::cpu, 0);
    s.stream = dnnl::stream(s.engine);
    s.a_desc = dnnl::memory::desc({d(m), d(k)}, dt::bf16, tag::ab);
    s.c_desc = dnnl::memory::desc({d(m), d(n)}, dt::f32, tag::ab);
    const dnnl::memory::desc b_any({d(k), d(n)}, dt::bf16, tag::any);
    s.pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(s.a_desc, b_any, s.c_desc), s.engine);
    s.primitive = dnnl::matmul(s.pd);
    dnnl::memory user_b({{d(k), d(n)}, dt::bf16, tag::ab}, s.engine, const_cast<std::uint16_t*>(b));
    s.weights = dnnl::memory(s.pd.weights_desc(), s.engine);
    dnnl::reorder(user_b, s.weights).execute(s.stream, user_b, s.weights);
    s.stream.wait();
  } catch (const dnnl::error& e) {
    throw Error("oneDNN", fmt::format("bf16 matmul {}x{}x{}: {}", m, n, k, e.what()));
  }
}

OnednnBf16Matmul::OnednnBf16Matmul(OnednnBf16Matmul&&) noexcept = default;
OnednnBf16Matmul& OnednnBf16Matmul::operator=(OnednnBf16Matmul&&) noexcept = default;
OnednnBf16Matmul::~OnednnBf16Matmul() = default;

void OnednnBf16Matmul::run(const std::uint16_t* a, float* c) const {
  State& s = *state_;
  dnnl::memory a_memory(s.a_desc, s.engine, const_cast<std::uint16_t*>(a));
  dnnl::memory c_memory(s.c_desc, s.engine, c);
  s.primitive.execute(
      s.stream,
      {{DNNL_ARG_SRC, a_memory}, {DNNL_ARG_WEIGHTS, s.weights}, {DNNL_ARG_DST, c_memory}});
  s.stream.wait();
}

std::string OnednnBf16Matmul::implementation() const { return state_->pd.impl_info_str(); }

}  // namespace tessera::learn
