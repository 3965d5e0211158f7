// The schedule of TW-GEMM (fp32 and bf16 alike): its cache blocking and the micro-kernel's
// prefetch distance, and the defaults this machine's caches give.
#pragma once

#include <cstddef>

namespace tessera::tilewise {

/// The schedule of TW-GEMM. Cache blocking: W's tiles are taken in blocks of about `w_budget`
/// bytes (of their kept rows in a K range), which every row group of a block of rows multiplies
/// while the block of W stays in L2; a block holds at most `max_row_block` rows of A (a multiple
/// of 12), and W comes from memory once per block of rows. The micro-kernel: it fetches W's rows
/// `prefetch_rows` steps ahead. Zero takes the default (default_tw_schedule). Results do not
/// depend on it.
struct TwSchedule {
  std::size_t w_budget = 0;
  std::size_t max_row_block = 0;
  std::size_t prefetch_rows = 0;
};

/// A quarter of L2 (this machine's, detected) for W's block, 384 rows, 16 rows ahead.
TwSchedule default_tw_schedule();

}  // namespace tessera::tilewise
