// `tessera doctor`: CPU features and kernel dispatch level, threads, which optional components were
// built, the kernels of every registry and which of them run here, the GPUs the CUDA runtime sees,
// and which real-data sources of the subsystems' manifests are present.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "build_info.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/data_manifest.hpp"
#include "tessera/core/gpu_info.hpp"
#include "tessera/core/kernel_registry.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::app {
namespace {

struct Report {
  CpuFeatures cpu;
  IsaLevel dispatch;
  GpuInfo gpu;
  std::vector<const KernelListing*> kernels;
  std::vector<const DataManifest*> data;
};

// The record dispatch prefers on this machine for problems every record can run: the last one
// that runs here.
std::string preferred(const std::vector<KernelSummary>& kernels) {
  for (auto k = kernels.rbegin(); k != kernels.rend(); ++k) {
    if (k->runs_here) return k->name;
  }
  return "none";
}

nlohmann::json to_json(const Report& r) {
  const BuildInfo& build = build_info();
  nlohmann::json j;
  j["version"] = build.version;
  j["git_revision"] = build.git_revision;
  j["build_type"] = build.build_type;
  j["compiler"] = build.compiler;
  j["sanitizers"] = build.sanitizers;
  j["cpu"] = {{"vendor", r.cpu.vendor}, {"brand", r.cpu.brand}};
  for (const auto& [name, present] : r.cpu.list()) j["cpu"]["features"][name] = present;
  j["cpu"]["dispatch"] = to_string(r.dispatch);
  j["threads"] = {{"used", thread_count()}, {"hardware", std::thread::hardware_concurrency()}};
  for (const Component& c : build.components) {
    j["components"].push_back({{"name", c.name}, {"built", c.built}, {"detail", c.detail}});
  }
  j["gpu"] = {{"built", r.gpu.built}, {"runtime", r.gpu.runtime}, {"status", r.gpu.status}};
  j["gpu"]["devices"] = nlohmann::json::array();
  for (const GpuDevice& d : r.gpu.devices) {
    j["gpu"]["devices"].push_back({{"name", d.name},
                                   {"compute_capability", d.compute_capability},
                                   {"memory_gib", d.memory_gib},
                                   {"multiprocessors", d.multiprocessors}});
  }
  j["kernels"] = nlohmann::json::array();
  for (const KernelListing* listing : r.kernels) {
    nlohmann::json op{{"operation", listing->operation()},
                      {"description", listing->description()},
                      {"records", nlohmann::json::array()}};
    for (const KernelSummary& k : listing->summaries()) {
      op["records"].push_back({{"name", k.name},
                               {"backend", to_string(k.backend)},
                               {"isa", to_string(k.isa)},
                               {"description", k.description},
                               {"runs_here", k.runs_here}});
    }
    j["kernels"].push_back(op);
  }
  j["data_sources"] = nlohmann::json::array();
  for (const DataManifest* manifest : r.data) {
    for (const DataSource& s : manifest->sources()) {
      j["data_sources"].push_back({{"subsystem", manifest->subsystem()},
                                   {"name", s.name},
                                   {"contents", s.contents},
                                   {"path", s.root.string()},
                                   {"present", s.present}});
    }
  }
  const auto shared = shared_data_dir();
  j["shared_data"] = shared ? nlohmann::json(shared->string()) : nlohmann::json(nullptr);
  return j;
}

void print_text(const Report& r, std::ostream& out) {
  const BuildInfo& build = build_info();
  out << fmt::format(
      "tessera {} ({}), {} build, {}{}\n\n", build.version, build.git_revision, build.build_type,
      build.compiler,
      build.sanitizers.empty() ? "" : fmt::format(", sanitizers {}", build.sanitizers));
  out << fmt::format("CPU       {} ({})\n", r.cpu.brand.empty() ? "unknown" : r.cpu.brand,
                     r.cpu.vendor);
  std::string have, lack;
  for (const auto& [name, present] : r.cpu.list()) (present ? have : lack) += " " + name;
  out << fmt::format("  has     {}\n", have.empty() ? " none" : have);
  if (!lack.empty()) out << fmt::format("  lacks   {}\n", lack);
  out << fmt::format("  kernels  {} (cap with TESSERA_ISA=scalar|avx2|avx512)\n",
                     to_string(r.dispatch));
  out << fmt::format("Threads   {} used, {} hardware (--threads N or OMP_NUM_THREADS)\n\n",
                     thread_count(), std::thread::hardware_concurrency());

  out << "Components\n";
  for (const Component& c : build.components) {
    out << fmt::format("  {:<14} {:<10} {}\n", c.name, c.built ? "built" : "not built", c.detail);
  }
  out << fmt::format("GPU       {}{}\n", r.gpu.built ? "CUDA runtime " + r.gpu.runtime + ": " : "",
                     r.gpu.status);
  for (const GpuDevice& d : r.gpu.devices) {
    out << fmt::format("  {} (sm_{}, {} SMs, {:.1f} GiB)\n", d.name, d.compute_capability,
                       d.multiprocessors, d.memory_gib);
  }

  out << "\nKernels   (the last that runs here is preferred; cap with TESSERA_ISA)\n";
  for (const KernelListing* listing : r.kernels) {
    const std::vector<KernelSummary> kernels = listing->summaries();
    std::string records;
    for (const KernelSummary& k : kernels) {
      records += fmt::format(" {}{}", k.name, k.runs_here ? "" : " (not here)");
    }
    out << fmt::format("  {:<28} {} -> {}\n", listing->operation(), records, preferred(kernels));
  }

  out << "\nData sources\n";
  const auto shared = shared_data_dir();
  out << fmt::format("  {:<22} {:<8} {}\n", "shared data", shared ? "present" : "missing",
                     shared ? shared->string() : "set TESSERA_SHARED_DATA or add ../shared/data");
  bool any_missing = false;
  for (const DataManifest* manifest : r.data) {
    for (const DataSource& s : manifest->sources()) {
      out << fmt::format("  {:<22} {:<8} {} — {} ({})\n", s.name, s.present ? "present" : "missing",
                         s.root.string(), s.contents, manifest->subsystem());
      any_missing |= !s.present;
    }
  }
  if (any_missing)
    out << "  (tests that need a missing source skip; scripts/install-deps.sh installs them)\n";
}

struct DoctorOptions {
  bool json = false;
};

const cli::Registrar kDoctor(
    "doctor", "Report CPU features, threads, built components and data", [](CLI::App& command) {
      auto options = std::make_shared<DoctorOptions>();
      command.add_flag("--json", options->json, "Print the report as one JSON object");
      command.footer(
          "Examples:\n"
          "  tessera doctor\n"
          "  tessera doctor --json | python3 -m json.tool\n"
          "  TESSERA_ISA=avx2 tessera doctor    # show the level kernels would dispatch to");
      command.callback([options] {
        const Report report{detect_cpu_features(), dispatch_isa_level(), query_gpus(),
                            kernel_catalog(), data_manifests()};
        if (options->json) {
          std::cout << to_json(report).dump(2) << "\n";
        } else {
          print_text(report, std::cout);
        }
      });
    });

}  // namespace
}  // namespace tessera::app
