// TW-GEMM's schedule search (tw_tuning.hpp).
#include "tessera/tilewise/tw_tuning.hpp"

#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <memory>

#include "tessera/core/buffer.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/tune/measure.hpp"

namespace tessera::tilewise {
namespace {

// Times tw_gemm under each configuration's schedule; a schedule whose bits differ from the
// default one's costs infinity.
class ScheduleMeasurer final : public tune::Measurer {
 public:
  ScheduleMeasurer(View<const float, 2> a, const TwMatrix& w, const TwKernel& kernel)
      : a_(a), w_(w), kernel_(kernel), m_(a.extent(0)), c_(m_ * w.n()), reference_(m_ * w.n()) {
    tw_gemm(a_, w_, View<float, 2>(reference_.data(), {m_, w_.n()}), kernel_);
  }

  double measure(const tune::Config& config) override {
    const View<float, 2> c(c_.data(), {m_, w_.n()});
    const auto run = [&] { tw_gemm(a_, w_, c, kernel_, tw_schedule_of(config)); };
    run();
    if (std::memcmp(c_.data(), reference_.data(), c_.size_bytes()) != 0)
      return std::numeric_limits<double>::infinity();
    return tune::median_seconds(run);
  }

 private:
  View<const float, 2> a_;
  const TwMatrix& w_;
  const TwKernel& kernel_;
  std::size_t m_;
  AlignedBuffer<float> c_, reference_;
};

}  // namespace

tune::SearchSpace tw_schedule_space() {
  return tune::SearchSpace({{"w_budget_kib", {64, 128, 256, 512, 1024, 2048}},
                            {"row_block", {48, 96, 192, 384}},
                            {"prefetch_rows", {4, 8, 16, 32}}});
}

TwSchedule tw_schedule_of(const tune::Config& config) {
  static const tune::SearchSpace space = tw_schedule_space();
  return {static_cast<std::size_t>(space.value(config, "w_budget_kib")) * 1024,
          static_cast<std::size_t>(space.value(config, "row_block")),
          static_cast<std::size_t>(space.value(config, "prefetch_rows"))};
}

std::string tw_tuning_task(std::size_t m, const TwMatrix& w, const TwKernel& kernel) {
  const std::size_t kept = w.k() * w.n() == 0 ? 0 : w.kept_weights() * 1000 / (w.k() * w.n());
  static const tune::SearchSpace space = tw_schedule_space();
  std::string knobs;  // a log of another space's schedules then holds no record of this task
  for (const tune::Knob& knob : space.knobs()) {
    knobs += (knobs.empty() ? "" : ",") + knob.name;
  }
  return fmt::format(
      "tilewise.tw_gemm m={} k={} n={} kept={} tiles={} kernel={} threads={} knobs={}", m, w.k(),
      w.n(), kept, w.tile_count(), kernel.name, thread_count(), knobs);
}

tune::TuneResult tune_tw_schedule(View<const float, 2> a, const TwMatrix& w, const TwKernel& kernel,
                                  const tune::TuneOptions& options, tune::TuningLog* log) {
  ScheduleMeasurer measurer(a, w, kernel);
  return tune::tune(tw_tuning_task(a.extent(0), w, kernel), tw_schedule_space(), measurer, options,
                    log);
}

TwSchedule logged_tw_schedule(const tune::TuningLog& log, std::size_t m, const TwMatrix& w,
                              const TwKernel& kernel) {
  const auto record = log.final_record(tw_tuning_task(m, w, kernel), tune::hardware_fingerprint());
  if (!record) return {};
  return tw_schedule_of(tw_schedule_space().config_of(record->config, log.path()));
}

}  // namespace tessera::tilewise
