// Names of the optimizers, as configs and the command line write them (optimizer.hpp).
#include "tessera/dlrm/optimizer.hpp"

#include "tessera/core/error.hpp"

namespace tessera::dlrm {

std::int64_t state_per_row(OptimizerKind kind, std::int64_t dim) {
  switch (kind) {
    case OptimizerKind::kSgd:
      return 0;
    case OptimizerKind::kAdagrad:
      return dim;
    case OptimizerKind::kRowwiseAdagrad:
      return 1;
  }
  return 0;
}

std::string to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::kSgd:
      return "sgd";
    case OptimizerKind::kAdagrad:
      return "adagrad";
    case OptimizerKind::kRowwiseAdagrad:
      return "rowwise-adagrad";
  }
  return "?";
}

OptimizerKind parse_optimizer_kind(std::string_view name, std::string_view input) {
  for (const OptimizerKind kind :
       {OptimizerKind::kSgd, OptimizerKind::kAdagrad, OptimizerKind::kRowwiseAdagrad}) {
    if (name == to_string(kind)) return kind;
  }
  throw Error(input, "unknown optimizer '" + std::string(name) +
                         "' (expected sgd, adagrad or rowwise-adagrad)");
}

}  // namespace tessera::dlrm
