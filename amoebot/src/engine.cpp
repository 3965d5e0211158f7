// Rounds of the circuit model (engine.hpp). Pin matching: on global edge g, the pin at global
// counter-clockwise position q of one amoebot is linked to the pin at position c-1-q of the
// neighbour (each numbers the shared edge's pins around itself), and an amoebot's local pin p is at
// position p, or c-1-p when it is mirrored; so equal senses of rotation link pin i to pin c-1-i,
// opposite ones pin i to pin i (SSS'21, §1). Circuits: union-find with path halving over
// (amoebot, partition set) nodes, one union a link; the structure's two halves (by row) side by
// side, then the links across the seam between them. Each circuit's root is its smallest node,
// whatever the order of the unions, so the result does not depend on the thread count.
#include "tessera/amoebot/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <numeric>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::amoebot {
namespace {

// Streams of the hidden random draws under the run's seed: frames, then one a round for coins.
constexpr std::uint64_t kFrameStream = 1;
constexpr std::uint64_t kCoinStream = 2;

constexpr int kMaxPins = 10;  // 60 partition sets fit a 64-bit mask

}  // namespace

bool LocalView::coin() const { return engine_->coin(amoebot_); }

void LocalView::refuse(const char* what, int value) {
  throw Error("algorithm", fmt::format("{} {} does not exist on an amoebot", what, value));
}

std::vector<Frame> random_frames(std::size_t n, std::uint64_t seed) {
  const CounterRng rng(seed, kFrameStream);
  std::vector<Frame> frames(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t bits = rng.u32(i);
    frames[i] = {static_cast<std::uint8_t>(bits % 6), (bits >> 16 & 1u) != 0};
  }
  return frames;
}

Engine::Engine(const Structure& structure, int pins_per_edge, std::uint64_t seed,
               std::vector<Frame> frames)
    : pins_(pins_per_edge), sets_(0), seed_(seed), frames_(std::move(frames)) {
  if (pins_ < 1 || pins_ > kMaxPins)
    throw Error("pins per edge", fmt::format("{}: from 1 to {}", pins_, kMaxPins));
  sets_ = static_cast<std::size_t>(LocalView::kPorts * pins_);
  const std::size_t n = structure.size();
  if (frames_.size() != n)
    throw Error("frames", fmt::format("{} frames for {} amoebots", frames_.size(), n));
  if (n * sets_ >= (std::size_t{1} << 32))
    throw Error("structure",
                fmt::format("{} amoebots of {} partition sets: more than 2^32 sets", n, sets_));
  neighbours_.resize(n * kDirections);
  occupancy_.assign(n, 0);
  local_port_.resize(n * kDirections);
  for (std::size_t i = 0; i < n; ++i) {
    const Frame f = frames_[i];
    if (f.compass >= kDirections)
      throw Error("frames", fmt::format("amoebot {}'s compass is {}: from 0 to 5", i, f.compass));
    for (int g = 0; g < kDirections; ++g) {
      const int port = local_port(f, g);
      local_port_[i * kDirections + static_cast<std::size_t>(g)] = static_cast<std::uint8_t>(port);
      neighbours_[i * kDirections + static_cast<std::size_t>(g)] = structure.neighbour(i, g);
      if (structure.neighbour(i, g) >= 0) occupancy_[i] |= static_cast<std::uint8_t>(1u << port);
    }
  }
  split_in_halves(structure);
  configuration_.resize(n * sets_);
  for (std::size_t i = 0; i < n; ++i)
    std::iota(configuration_.begin() + static_cast<std::ptrdiff_t>(i * sets_),
              configuration_.begin() + static_cast<std::ptrdiff_t>((i + 1) * sets_), 0);
  changed_.assign(n, 0);
  beeps_.assign(n, 0);
  heard_.assign(n, 0);
  parent_.resize(n * sets_);
  beeping_.assign(n * sets_, 0);
}

void Engine::split_in_halves(const Structure& structure) {
  // The first half of the nodes in (y, x) order, and the rest: a seam of one row's width.
  const std::size_t n = structure.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  const auto before = [&](std::uint32_t i, std::uint32_t j) {
    const Axial a = structure.nodes()[i], b = structure.nodes()[j];
    return a.y != b.y ? a.y < b.y : a.x < b.x;
  };
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n / 2), order.end(),
                   before);
  half_of_.assign(n, 1);
  for (std::size_t k = 0; k < n / 2; ++k) half_of_[order[k]] = 0;
  for (std::size_t u = 0; u < n; ++u) {
    halves_[half_of_[u]].push_back(static_cast<std::uint32_t>(u));
    for (int g = 0; g < 3; ++g) {
      const std::int32_t v = structure.neighbour(u, g);
      if (v >= 0 && half_of_[static_cast<std::size_t>(v)] != half_of_[u])
        seams_.push_back({static_cast<std::uint32_t>(u), g});
    }
  }
}

void Engine::begin_round() {
  std::fill(beeps_.begin(), beeps_.end(), 0);
  std::fill(changed_.begin(), changed_.end(), 0);
}

LocalView Engine::view(std::size_t i) {
  LocalView v;
  v.pins_ = pins_;
  v.occupancy_ = occupancy_[i];
  v.heard_ = heard_[i];
  v.configuration_ = configuration_.data() + i * sets_;
  v.changed_ = &changed_[i];
  v.beeps_ = &beeps_[i];
  v.engine_ = this;
  v.amoebot_ = static_cast<std::uint32_t>(i);
  return v;
}

bool Engine::coin(std::size_t i) const {
  return (CounterRng(seed_, kCoinStream + static_cast<std::uint64_t>(round_)).u32(i) & 1u) != 0;
}

std::span<const std::uint8_t> Engine::configuration(std::size_t i) const {
  return {configuration_.data() + i * sets_, sets_};
}

std::uint32_t Engine::circuit(std::size_t i, int set) const {
  return parent_[i * sets_ + static_cast<std::size_t>(set)];
}

std::uint32_t Engine::find(std::uint32_t node) {
  while (parent_[node] != node) {
    parent_[node] = parent_[parent_[node]];
    node = parent_[node];
  }
  return node;
}

void Engine::link_edge(std::size_t u, int g) {
  const auto w =
      static_cast<std::size_t>(neighbours_[u * kDirections + static_cast<std::size_t>(g)]);
  const auto c = static_cast<std::size_t>(pins_);
  const std::size_t port_u = local_port_[u * kDirections + static_cast<std::size_t>(g)];
  const std::size_t port_w = local_port_[w * kDirections + static_cast<std::size_t>(g + 3)];
  for (std::size_t q = 0; q < c; ++q) {
    const std::size_t pin_u = frames_[u].mirrored ? c - 1 - q : q;
    const std::size_t pin_w = frames_[w].mirrored ? q : c - 1 - q;  // position c-1-q at w
    const std::uint32_t a = find(
        static_cast<std::uint32_t>(u * sets_ + configuration_[u * sets_ + port_u * c + pin_u]));
    const std::uint32_t b = find(
        static_cast<std::uint32_t>(w * sets_ + configuration_[w * sets_ + port_w * c + pin_w]));
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);  // the smaller node is the root
  }
}

void Engine::compute_circuits() {
  parallel_for(parent_.size(), 1 << 16, [&](std::size_t, Range r) {
    std::iota(parent_.begin() + static_cast<std::ptrdiff_t>(r.begin),
              parent_.begin() + static_cast<std::ptrdiff_t>(r.end),
              static_cast<std::uint32_t>(r.begin));
  });
  // The edges inside each half touch only that half's nodes: the halves run side by side.
  parallel_for(kHalves, 1, [&](std::size_t half, Range) {
    for (const std::uint32_t u : halves_[half])
      for (int g = 0; g < 3; ++g) {  // each edge once: from its E, NNE or NNW end
        const std::int32_t v =
            neighbours_[std::size_t{u} * kDirections + static_cast<std::size_t>(g)];
        if (v >= 0 && half_of_[static_cast<std::size_t>(v)] == half) link_edge(u, g);
      }
  });
  for (const auto& [u, g] : seams_) link_edge(u, g);
  // Every node to its root, the smallest node of its circuit (parents are never larger than
  // their children): the halves' chains are read while other nodes' parents are rewritten to
  // ancestors, hence atomic accesses.
  parallel_for(parent_.size(), 1 << 16, [&](std::size_t, Range r) {
    for (std::size_t node = r.begin; node < r.end; ++node) {
      std::uint32_t root = std::atomic_ref(parent_[node]).load(std::memory_order_relaxed);
      for (std::uint32_t up;
           (up = std::atomic_ref(parent_[root]).load(std::memory_order_relaxed)) != root;)
        root = up;
      std::atomic_ref(parent_[node]).store(root, std::memory_order_relaxed);
    }
  });
  ++computations_;
  computed_ = true;
}

void Engine::mark_beeping(std::uint8_t value) {
  // Several amoebots may mark one root: the same value, through atomic stores.
  parallel_for(size(), 4096, [&](std::size_t, Range r) {
    for (std::size_t i = r.begin; i < r.end; ++i)
      for (std::uint64_t b = beeps_[i]; b != 0; b &= b - 1)
        std::atomic_ref(
            beeping_[parent_[i * sets_ + static_cast<std::size_t>(std::countr_zero(b))]])
            .store(value, std::memory_order_relaxed);
  });
}

void Engine::finish_round() {
  const bool changed = std::any_of(changed_.begin(), changed_.end(), [](auto x) { return x != 0; });
  if (changed || !reuse_ || !computed_) compute_circuits();
  mark_beeping(1);
  parallel_for(size(), 4096, [&](std::size_t, Range r) {
    for (std::size_t i = r.begin; i < r.end; ++i) {
      std::uint64_t heard = 0;
      for (std::size_t s = 0; s < sets_; ++s)
        heard |= static_cast<std::uint64_t>(beeping_[parent_[i * sets_ + s]]) << s;
      heard_[i] = heard;
    }
  });
  mark_beeping(0);  // clear the roots marked above
  ++round_;
}

}  // namespace tessera::amoebot
