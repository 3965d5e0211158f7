// Local search over a complete sharding assignment (ours, after LPT or Karmarkar-Karp): moves and
// swaps of shards off the busiest rank and re-choosing the sharding of its tables, accepting only
// steps that lower (makespan, sum of squared rank times); deterministic, within the memory caps.
#include <algorithm>
#include <array>
#include <limits>

#include "sharding_stages.hpp"

namespace tessera::dlrm {
namespace {

constexpr int kMaxSteps = 100000;
constexpr double kRelativeGain = 1e-12;  // an accepted step gains at least this share

using Objective = std::pair<double, double>;  // (makespan s, sum of squared rank times s^2)

bool better(const Objective& x, const Objective& y) {
  return x.first < y.first * (1 - kRelativeGain) ||
         (x.first <= y.first && x.second < y.second * (1 - kRelativeGain));
}

// The three busiest ranks (fewer when there are fewer ranks), busiest first.
std::array<int, 3> busiest(const std::vector<double>& loads) {
  std::array<int, 3> top{-1, -1, -1};
  for (int r = 0; r < static_cast<int>(loads.size()); ++r) {
    for (std::size_t k = 0; k < top.size(); ++k) {
      if (top[k] < 0 ||
          loads[static_cast<std::size_t>(r)] > loads[static_cast<std::size_t>(top[k])]) {
        std::copy_backward(top.begin() + static_cast<std::ptrdiff_t>(k), top.end() - 1, top.end());
        top[k] = r;
        break;
      }
    }
  }
  return top;
}

// A move (other shard absent) or swap of free shards between the busiest rank and rank `to`.
struct Exchange {
  std::size_t table = 0, shard = 0;              // on the busiest rank
  std::size_t other_table = 0, other_shard = 0;  // on `to`, for a swap
  bool swap = false;
  int to = -1;
  Objective objective;
};

bool free_shard(const Assignment& a, std::size_t t) {
  return a.option(t).type == ShardingType::kTableWise ||
         a.option(t).type == ShardingType::kColumnWise;
}

// The best move or swap off the busiest rank, if one improves on the present objective.
bool improve_by_exchange(Assignment& a) {
  const std::vector<double>& loads = a.loads();
  const std::array<int, 3> top = busiest(loads);
  const int w = top[0];
  const Objective now = a.objective();
  // The largest load outside ranks w and r.
  const auto rest = [&](int r) {
    for (int k : top) {
      if (k >= 0 && k != w && k != r) return loads[static_cast<std::size_t>(k)];
    }
    return 0.0;
  };
  const auto lw = loads[static_cast<std::size_t>(w)];
  const auto judge = [&](double cw, double cr, int r) {  // w loses cw, r gains cr
    const double lr = loads[static_cast<std::size_t>(r)];
    const double nw = lw - cw, nr = lr + cr;
    return Objective{std::max({rest(r), nw, nr}),
                     now.second - lw * lw - lr * lr + nw * nw + nr * nr};
  };
  std::vector<std::pair<std::size_t, std::size_t>> mine, others;
  for (std::size_t t = 0; t < a.tables(); ++t) {
    if (!free_shard(a, t)) continue;
    for (std::size_t s = 0; s < a.option(t).shards.size(); ++s)
      (a.rank(t, s) == w ? mine : others).emplace_back(t, s);
  }
  Exchange best{0, 0, 0, 0, false, -1, now};
  for (const auto& [t, s] : mine) {
    const ShardCost& c = a.option(t).shards[s].cost;
    for (int r = 0; r < a.problem().ranks; ++r) {
      if (r == w || !a.fits(r, c.memory_bytes)) continue;
      const Objective o = judge(c.time_s(), c.time_s(), r);
      if (better(o, best.objective)) best = {t, s, 0, 0, false, r, o};
    }
    for (const auto& [u, v] : others) {
      const ShardCost& d = a.option(u).shards[v].cost;
      const int r = a.rank(u, v);
      if (d.time_s() >= c.time_s() ||
          a.memory(w) - c.memory_bytes + d.memory_bytes > a.problem().cap ||
          a.memory(r) - d.memory_bytes + c.memory_bytes > a.problem().cap)
        continue;
      const double delta = c.time_s() - d.time_s();
      const Objective o = judge(delta, delta, r);
      if (better(o, best.objective)) best = {t, s, u, v, true, r, o};
    }
  }
  if (best.to < 0) return false;
  a.unplace(best.table, best.shard);
  if (best.swap) {
    a.unplace(best.other_table, best.other_shard);
    a.place(best.other_table, best.other_shard, w);
  }
  a.place(best.table, best.shard, best.to);
  return true;
}

// The best re-choice (option and placement) of a table with a shard on the busiest rank.
bool improve_by_rechoosing(Assignment& a) {
  const std::array<int, 3> top = busiest(a.loads());
  const int w = top[0];
  Objective best = a.objective();
  std::size_t best_table = 0;
  int best_option = -1;
  std::vector<int> best_ranks;
  for (std::size_t t = 0; t < a.tables(); ++t) {
    const std::vector<Shard>& shards = a.option(t).shards;
    bool on_w = false;
    for (std::size_t s = 0; s < shards.size(); ++s) on_w = on_w || a.rank(t, s) == w;
    if (!on_w) continue;
    const int old = a.choice(t);
    std::vector<int> old_ranks;
    for (std::size_t s = 0; s < shards.size(); ++s) old_ranks.push_back(a.rank(t, s));
    for (std::size_t o = 0; o < a.problem().options[t].size(); ++o) {
      a.rechoose(t, static_cast<int>(o));
      if (place_table(a, t) && better(a.objective(), best)) {
        best = a.objective();
        best_table = t;
        best_option = static_cast<int>(o);
        best_ranks.clear();
        for (std::size_t s = 0; s < a.option(t).shards.size(); ++s)
          best_ranks.push_back(a.rank(t, s));
      }
    }
    a.rechoose(t, old);
    for (std::size_t s = 0; s < old_ranks.size(); ++s) a.place(t, s, old_ranks[s]);
  }
  if (best_option < 0) return false;
  a.rechoose(best_table, best_option);
  for (std::size_t s = 0; s < best_ranks.size(); ++s) a.place(best_table, s, best_ranks[s]);
  return true;
}

}  // namespace

int local_search(Assignment& a) {
  int steps = 0;
  while (steps < kMaxSteps && (improve_by_exchange(a) || improve_by_rechoosing(a))) ++steps;
  return steps;
}

}  // namespace tessera::dlrm
