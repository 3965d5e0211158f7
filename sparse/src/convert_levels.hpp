// The level-generic conversion, the reference record of "sparse.convert": the source's entries
// stream into the target's assembler when both store them in the same order, and are sorted by
// the target's level coordinates (a stable counting sort per level) first when not.
#pragma once

#include "tessera/sparse/convert.hpp"

namespace tessera::sparse::detail {

/// *p.result = p.source in *p.target, for any two formats of one order.
void convert_levels(const ConvertProblem& p);

}  // namespace tessera::sparse::detail
