// The text of the loop nests and their call structs (gemm_call.inc, gemm_loop_nest.inc,
// conv_call.inc, conv_loop_nest.inc), embedded into the library at build time
// (kernel_sources.cpp.in), so the code generator writes the very loop nests the library was built
// with, wherever the program runs.
#pragma once

namespace tessera::infer::detail {

extern const char* const kGemmCallSource;
extern const char* const kGemmLoopNestSource;
extern const char* const kConvCallSource;
extern const char* const kConvLoopNestSource;

}  // namespace tessera::infer::detail
