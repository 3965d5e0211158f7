// Locating real data: shared data folder and Debian data packages.
#include "tessera/core/data_sources.hpp"

#include <cstdlib>

namespace tessera {

std::optional<std::filesystem::path> shared_data_dir() {
  const char* from_environment = std::getenv("TESSERA_SHARED_DATA");
  const std::filesystem::path dir = (from_environment != nullptr && *from_environment != '\0')
                                        ? std::filesystem::path(from_environment)
                                        : std::filesystem::path(TESSERA_DEFAULT_SHARED_DATA);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  return std::filesystem::weakly_canonical(dir, ec);
}

std::vector<DataSource> known_data_sources() {
  std::vector<DataSource> sources;
  const auto shared = shared_data_dir();
  sources.push_back({"../shared/data", "Matrix Market matrices, ONNX models, Criteo samples",
                     shared.value_or(std::filesystem::path(TESSERA_DEFAULT_SHARED_DATA)),
                     shared.has_value()});
  const std::vector<DataSource> packages = {
      {"dataset-fashion-mnist", "Fashion-MNIST images (IDX)", "/usr/share/datasets/fashion-mnist"},
      {"ferret-datasets", "climate and ocean fields (netCDF)", "/usr/share/ferret-vis/data"},
      {"libncarg-data", "topography and model fields (netCDF)", "/usr/share/ncarg/data"},
      {"libonnx-testdata", "ONNX backend conformance tests", "/usr/share/libonnx-testdata/data"},
      {"r-cran-matrix", "small Matrix Market files", "/usr/lib/R/library/Matrix/external"},
  };
  for (DataSource source : packages) {
    std::error_code ec;
    source.present = std::filesystem::is_directory(source.path, ec);
    sources.push_back(std::move(source));
  }
  return sources;
}

}  // namespace tessera
