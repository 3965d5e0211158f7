// oneDNN's layouts as the plan names and compares them (layout_onednn.hpp).
#include "layout_onednn.hpp"

#include <algorithm>
#include <vector>

namespace tessera::infer::detail {
namespace {

std::string layout_key(const dnnl::memory::desc& d) {
  const dnnl_memory_desc_t& m = d.data;
  std::string key = std::to_string(static_cast<int>(m.data_type));
  const auto add = [&](char label, const auto* values, int n) {
    key += label;
    for (int i = 0; i < n; ++i) key += std::to_string(values[i]) + ",";
  };
  add('d', m.dims, m.ndims);
  add('p', m.padded_dims, m.ndims);
  add('s', m.format_desc.blocking.strides, m.ndims);
  add('b', m.format_desc.blocking.inner_blks, m.format_desc.blocking.inner_nblks);
  add('i', m.format_desc.blocking.inner_idxs, m.format_desc.blocking.inner_nblks);
  return key;
}

std::string layout_name(const dnnl::memory::desc& d) {
  const dnnl_memory_desc_t& m = d.data;
  const auto& b = m.format_desc.blocking;
  std::vector<int> order(static_cast<std::size_t>(m.ndims));
  for (int i = 0; i < m.ndims; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int x, int y) { return b.strides[x] > b.strides[y]; });
  const char letters[] = "nchw";
  std::string name;
  for (const int dim : order) {
    const bool blocked =
        std::find(b.inner_idxs, b.inner_idxs + b.inner_nblks, dim) != b.inner_idxs + b.inner_nblks;
    const char letter = dim < 4 ? letters[dim] : '?';
    name += blocked ? static_cast<char>(letter - 'a' + 'A') : letter;
  }
  for (int i = 0; i < b.inner_nblks; ++i)
    name +=
        std::to_string(b.inner_blks[i]) + (b.inner_idxs[i] < 4 ? letters[b.inner_idxs[i]] : '?');
  return name;
}

}  // namespace

dnnl::engine& onednn_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

OwnLayout own_layout_of(const dnnl::memory::desc& d) {
  return OwnLayout{layout_key(d), d.get_size(), layout_name(d)};
}

std::optional<dnnl::memory::desc> format_desc(const dnnl::memory::dims& dims,
                                              const std::string& name) {
  using tag = dnnl::memory::format_tag;
  if (dims.size() != 4) return std::nullopt;
  for (const tag t : {tag::nchw, tag::nhwc, tag::nChw4c, tag::nChw8c, tag::nChw16c}) {
    dnnl::memory::desc d(dims, dnnl::memory::data_type::f32, t);
    if (layout_name(d) == name) return d;
  }
  return std::nullopt;
}

}  // namespace tessera::infer::detail
