// oneDNN's side of the plan's layouts, shared by its convolutions (conv_onednn.cpp) and by the
// steps that follow their layouts (layout_following_onednn.cpp): the CPU engine, a memory
// descriptor as an OwnLayout (conv_kernels.hpp), and the descriptor of an activation format named
// the way OwnLayout names them ("nChw16c").
#pragma once

#include <dnnl.hpp>
#include <optional>
#include <string>

#include "conv_kernels.hpp"

namespace tessera::infer::detail {

/// The one CPU engine of the plan's oneDNN primitives.
dnnl::engine& onednn_engine();

/// `d` as an OwnLayout: a key that two descriptors share when their layouts are the same
/// (dimensions, padded dimensions, strides and inner blocks), its size, and its format's name:
/// the dimensions outer to inner by stride, a blocked one in upper case, then the blocks.
OwnLayout own_layout_of(const dnnl::memory::desc& d);

/// The f32 descriptor of a 4-D activation of `dims` in the format named `name` (plain "nchw",
/// "nhwc", or channels blocked by 4, 8 or 16: "nChw16c"); nullopt for any other name.
std::optional<dnnl::memory::desc> format_desc(const dnnl::memory::dims& dims,
                                              const std::string& name);

}  // namespace tessera::infer::detail
