// Regions of source compiled for a wider instruction set than the build's baseline, for kernels
// that are included once per instruction set (inside their own namespace) and chosen at run time
// with dispatch_isa_level(). Works with GCC (#pragma GCC target) and Clang (#pragma clang
// attribute). The AVX2 region leaves FMA out, so the compiler cannot contract a·b + c there.
// AVX-512F implies FMA: in the AVX-512 region GCC contracts unless the file is compiled with
// -ffp-contract=off (compress's library is), and only then does a kernel there match the
// baseline build bit for bit. AVX2_FMA is for kernels that use FMA on purpose and need not match
// (GEMM micro-kernels); dispatch_isa_level() >= kAvx2 guarantees FMA. AVX512_BF16 is for bf16
// kernels, run only where CpuFeatures::avx512_bf16 says the CPU has it.
#pragma once

// _Pragma takes a single string literal, so these lines stay as they are.
// clang-format off
#if defined(__clang__)
#define TESSERA_ISA_REGION_AVX2 _Pragma("clang attribute push(__attribute__((target(\"avx2\"))), apply_to = function)")
#define TESSERA_ISA_REGION_AVX2_FMA _Pragma("clang attribute push(__attribute__((target(\"avx2,fma\"))), apply_to = function)")
#define TESSERA_ISA_REGION_AVX512 _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx512dq,avx512bw,avx512vl\"))), apply_to = function)")
#define TESSERA_ISA_REGION_AVX512_BF16 _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx512dq,avx512bw,avx512vl,avx512bf16\"))), apply_to = function)")
#define TESSERA_ISA_REGION_END _Pragma("clang attribute pop")
#else
#define TESSERA_ISA_REGION_AVX2 _Pragma("GCC push_options") _Pragma("GCC target(\"avx2\")")
#define TESSERA_ISA_REGION_AVX2_FMA _Pragma("GCC push_options") _Pragma("GCC target(\"avx2,fma\")")
#define TESSERA_ISA_REGION_AVX512 _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx512dq,avx512bw,avx512vl\")")
#define TESSERA_ISA_REGION_AVX512_BF16 _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx512dq,avx512bw,avx512vl,avx512bf16\")")
#define TESSERA_ISA_REGION_END _Pragma("GCC pop_options")
#endif
// clang-format on
