// The in-RAM or tiered tables of one rank (embedding_store.hpp).
#include "embedding_store.hpp"

namespace tessera::dlrm::detail {
namespace {

std::variant<TableBatchedEmbedding, TieredEmbedding> make_store(
    std::vector<TableSpec> tables, Pooling pooling, OptimizerConfig optimizer,
    const std::optional<TierConfig>& tier) {
  if (tier) return TieredEmbedding(std::move(tables), pooling, optimizer, *tier);
  return TableBatchedEmbedding(std::move(tables), pooling, optimizer);
}

}  // namespace

EmbeddingStore::EmbeddingStore(std::vector<TableSpec> tables, Pooling pooling,
                               OptimizerConfig optimizer, const std::optional<TierConfig>& tier)
    : store_(make_store(std::move(tables), pooling, optimizer, tier)) {}

std::int64_t EmbeddingStore::total_dim() const {
  return std::visit([](const auto& s) { return s.total_dim(); }, store_);
}

std::int64_t EmbeddingStore::dim_offset(std::size_t t) const {
  return std::visit([t](const auto& s) { return s.dim_offset(t); }, store_);
}

void EmbeddingStore::forward(const SparseFeatures& bags, std::span<float> pooled) {
  std::visit([&](auto& s) { s.forward(bags, pooled); }, store_);
}

void EmbeddingStore::backward_update(const SparseFeatures& bags,
                                     std::span<const float> pooled_gradient) {
  std::visit([&](auto& s) { s.backward_update(bags, pooled_gradient); }, store_);
}

std::span<float> EmbeddingStore::weights(std::size_t t) {
  return std::visit([t](auto& s) { return s.weights(t); }, store_);
}

std::span<float> EmbeddingStore::state(std::size_t t) {
  return std::visit([t](auto& s) { return s.state(t); }, store_);
}

void EmbeddingStore::prefetch(const SparseFeatures& next) const {
  if (const auto* tiered = std::get_if<TieredEmbedding>(&store_)) tiered->prefetch(next);
}

std::optional<TierStats> EmbeddingStore::stats() const {
  if (const auto* tiered = std::get_if<TieredEmbedding>(&store_)) return tiered->stats();
  return std::nullopt;
}

}  // namespace tessera::dlrm::detail
