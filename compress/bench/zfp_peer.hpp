// zfp (LLNL, Debian libzfp-dev) in fixed-accuracy mode, in process: the peer the compressor is
// measured against. Same Field type in and out, so both sides see identical data.
#pragma once

#include <cstddef>
#include <vector>

#include "tessera/compress/field.hpp"

namespace tessera::compress::bench {

/// zfp's compressed stream of `field` at absolute tolerance `tolerance` (serial execution).
std::vector<unsigned char> zfp_compress(const Field& field, double tolerance);
/// Decompresses a zfp_compress stream of `like`'s type and shape into `out` (same type/shape).
void zfp_decompress(std::vector<unsigned char>& stream, double tolerance, Field& out);

}  // namespace tessera::compress::bench
