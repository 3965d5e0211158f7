// The text of gemm_call.inc and gemm_loop_nest.inc, embedded into the library at build time
// (gemm_sources.cpp.in), so the code generator writes the very loop nest the library was built
// with, wherever the program runs.
#pragma once

namespace tessera::infer::detail {

extern const char* const kGemmCallSource;
extern const char* const kGemmLoopNestSource;

}  // namespace tessera::infer::detail
