// The schedule of a blocked-layout convolution kernel (conv_loop_nest.inc): its knobs, their space
// on this machine, and the key that names a kernel in saved plans and the code generator's
// symbols.
#pragma once

#include <optional>
#include <string>

#include "tessera/tune/search_space.hpp"

namespace tessera::infer::detail {

struct ConvSchedule {
  bool depthwise = false;  // DepthwiseConvLoopNest (only w and owb count), else DirectConvLoopNest
  int w = 16;              // floats per vector, and channels per block of the layout
  int ocb = 2;             // output channel blocks of the register tile
  int owb = 14;            // output pixels of the register tile
  int icb = 0;             // input channel blocks per pass (0: all)
  int unroll = 4;          // of the loop over one block's input channels

  /// "direct_w16_ocb2_owb14_icb0_u4" or "depthwise_w16_owb14": a C identifier part.
  std::string key() const;
  /// The schedule whose key() is `key`, nullopt for any other text.
  static std::optional<ConvSchedule> parse(const std::string& key);
  bool operator==(const ConvSchedule&) const = default;
};

/// The knobs of the direct or the depthwise loop nest, with the vector widths this CPU runs (4,
/// plus 8 with AVX2, plus 16 with AVX-512); unroll factors divide every width.
tune::SearchSpace conv_search_space(bool depthwise);
ConvSchedule conv_schedule_of(const tune::SearchSpace& space, const tune::Config& config,
                              bool depthwise);
/// The configuration of `schedule` in `space`; tessera::Error naming `source` where a knob's
/// value is not one of this machine's.
tune::Config conv_config_of(const tune::SearchSpace& space, const ConvSchedule& schedule,
                            const std::string& source);

}  // namespace tessera::infer::detail
