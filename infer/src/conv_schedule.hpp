// The schedule of a blocked-layout convolution kernel (conv_loop_nest.inc): its knobs and the key
// that names a kernel in saved plans.
#pragma once

#include <string>

namespace tessera::infer::detail {

struct ConvSchedule {
  bool depthwise = false;  // DepthwiseConvLoopNest (only w and owb count), else DirectConvLoopNest
  int w = 16;              // floats per vector, and channels per block of the layout
  int ocb = 2;             // output channel blocks of the register tile
  int owb = 14;            // output pixels of the register tile
  int icb = 0;             // input channel blocks per pass (0: all)
  int unroll = 4;          // of the loop over one block's input channels

  /// "direct_w16_ocb2_owb14_icb0_u4" or "depthwise_w16_owb14", as saved plans name it.
  std::string key() const;
  bool operator==(const ConvSchedule&) const = default;
};

}  // namespace tessera::infer::detail
