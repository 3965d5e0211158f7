// The precision of a collective's payload (Neo's reduced-precision communication): fp32, or 16
// bits (fp16, which needs a loss scale against gradient underflow, or bf16, which keeps fp32's
// exponent). Values are rounded to nearest even on the way out and summed in fp32 on arrival.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tessera::dlrm {

enum class CommPrecision { kFp32, kFp16, kBf16 };

/// "fp32", "fp16" or "bf16".
std::string to_string(CommPrecision precision);
/// The precision named `name` as to_string writes it; tessera::Error naming `input` otherwise.
CommPrecision parse_comm_precision(std::string_view name, std::string_view input);
/// Bytes of one value on the wire.
std::size_t wire_bytes(CommPrecision precision);

/// The precisions of the three kinds of payload of a hybrid-parallel step.
struct CommPrecisions {
  CommPrecision forward = CommPrecision::kFp32;   // pooled embeddings, owners to samples' ranks
  CommPrecision backward = CommPrecision::kFp32;  // their gradients, back to the owners
  CommPrecision dense = CommPrecision::kFp32;     // the MLPs' gradient reduction
  /// Multiplies the gradients before they are rounded to 16 bits and divides them after (fp16's
  /// guard against underflow); a power of two keeps it exact.
  float loss_scale = 1.0f;
};

}  // namespace tessera::dlrm
