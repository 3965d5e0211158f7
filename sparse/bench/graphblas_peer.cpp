// SuiteSparse:GraphBLAS as a peer (peers.hpp): GrB_Matrix_import of the CSR arrays, GrB_mxv and
// GrB_mxm over the PLUS_TIMES_FP64 semiring into zeroed full (dense) outputs with the PLUS_FP64
// accumulator (so they stay full), vectors and matrices packed in place (GxB_Vector_pack_Full,
// GxB_Matrix_pack_FullR), and the CSC copy by GrB_Matrix_dup after
// switching the copy's storage to by-column, GrB_Matrix_build from triplets.
extern "C" {
#include <GraphBLAS.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "peers.hpp"

namespace tessera::sparse::bench {
namespace {

void ok(GrB_Info info, const char* call) {
  if (info != GrB_SUCCESS) throw std::runtime_error(fmt::format("GraphBLAS {} failed: {}", call, static_cast<int>(info)));
}

class GraphBlasPeer final : public Peer {
 public:
  GraphBlasPeer(const SparseTensor& a, const SparseTensor& coo)
      : rows_(a.dims[0]), cols_(a.dims[1]),
        rows_of_(coo.levels[0].crd.begin(), coo.levels[0].crd.end()),
        cols_of_(coo.levels[1].crd.begin(), coo.levels[1].crd.end()) {
    const auto cv = coo.values_as<double>();
    values_of_.assign(cv.begin(), cv.end());
    const auto& pos = a.levels[1].pos;
    const auto& crd = a.levels[1].crd;
    std::vector<GrB_Index> p(pos.begin(), pos.end()), i(crd.begin(), crd.end());
    const auto values = a.values_as<double>();
    ok(GrB_Matrix_import_FP64(&matrix_, GrB_FP64, rows_, cols_, p.data(), i.data(), values.data(),
                              p.size(), i.size(), values.size(), GrB_CSR_FORMAT),
       "GrB_Matrix_import_FP64");
    ok(GrB_Matrix_wait(matrix_, GrB_MATERIALIZE), "GrB_Matrix_wait");
  }
  ~GraphBlasPeer() override { GrB_Matrix_free(&matrix_); }
  GraphBlasPeer(const GraphBlasPeer&) = delete;
  GraphBlasPeer& operator=(const GraphBlasPeer&) = delete;

  void spmv(const double* x, double* y) override {
    GrB_Vector vx = full_vector(x, cols_);
    std::fill(y, y + rows_, 0.0);
    GrB_Vector vy = full_vector(y, rows_);
    ok(GrB_mxv(vy, nullptr, GrB_PLUS_FP64, GrB_PLUS_TIMES_SEMIRING_FP64, matrix_, vx, nullptr), "GrB_mxv");
    unpack(vy, y, rows_);
    unpack(vx, const_cast<double*>(x), cols_);
  }
  void spmm(const double* b, std::size_t k, double* c) override {
    GrB_Matrix mb = full_matrix(b, cols_, k);
    std::fill(c, c + rows_ * k, 0.0);
    GrB_Matrix mc = full_matrix(c, rows_, k);
    ok(GrB_mxm(mc, nullptr, GrB_PLUS_FP64, GrB_PLUS_TIMES_SEMIRING_FP64, matrix_, mb, nullptr), "GrB_mxm");
    unpack(mc, c, rows_ * k);
    unpack(mb, const_cast<double*>(b), cols_ * k);
  }
  void to_csc() override {
    GrB_Matrix copy = nullptr;
    ok(GrB_Matrix_dup(&copy, matrix_), "GrB_Matrix_dup");
    ok(GxB_Matrix_Option_set(copy, GxB_FORMAT, GxB_BY_COL), "GxB_Matrix_Option_set");
    ok(GrB_Matrix_wait(copy, GrB_MATERIALIZE), "GrB_Matrix_wait");
    GrB_Matrix_free(&copy);
  }
  void from_triplets() override {
    GrB_Matrix built = nullptr;
    ok(GrB_Matrix_new(&built, GrB_FP64, rows_, cols_), "GrB_Matrix_new");
    ok(GrB_Matrix_build_FP64(built, rows_of_.data(), cols_of_.data(), values_of_.data(),
                             values_of_.size(), GrB_PLUS_FP64),
       "GrB_Matrix_build_FP64");
    ok(GrB_Matrix_wait(built, GrB_MATERIALIZE), "GrB_Matrix_wait");
    GrB_Matrix_free(&built);
  }

 private:
  // GraphBLAS objects borrowing our arrays (packed in place, unpacked after use: no copies).
  static GrB_Vector full_vector(const double* data, GrB_Index n) {
    GrB_Vector v = nullptr;
    ok(GrB_Vector_new(&v, GrB_FP64, n), "GrB_Vector_new");
    void* p = const_cast<double*>(data);
    ok(GxB_Vector_pack_Full(v, &p, n * sizeof(double), false, nullptr), "GxB_Vector_pack_Full");
    return v;
  }
  static GrB_Matrix full_matrix(const double* data, GrB_Index rows, GrB_Index cols) {
    GrB_Matrix m = nullptr;
    ok(GrB_Matrix_new(&m, GrB_FP64, rows, cols), "GrB_Matrix_new");
    void* p = const_cast<double*>(data);
    ok(GxB_Matrix_pack_FullR(m, &p, rows * cols * sizeof(double), false, nullptr),
       "GxB_Matrix_pack_FullR");
    return m;
  }
  static void unpack(GrB_Vector& v, double* expected, GrB_Index n) {
    void* p = nullptr;
    GrB_Index bytes = 0;
    bool iso = false;
    ok(GxB_Vector_unpack_Full(v, &p, &bytes, &iso, nullptr), "GxB_Vector_unpack_Full");
    if (p != expected || iso || bytes < n * sizeof(double)) throw std::runtime_error("GraphBLAS moved a vector");
    GrB_Vector_free(&v);
  }
  static void unpack(GrB_Matrix& m, double* expected, GrB_Index n) {
    void* p = nullptr;
    GrB_Index bytes = 0;
    bool iso = false;
    ok(GxB_Matrix_unpack_FullR(m, &p, &bytes, &iso, nullptr), "GxB_Matrix_unpack_FullR");
    if (p != expected || iso || bytes < n * sizeof(double)) throw std::runtime_error("GraphBLAS moved a matrix");
    GrB_Matrix_free(&m);
  }

  GrB_Index rows_, cols_;
  std::vector<GrB_Index> rows_of_, cols_of_;  // the triplets of from_triplets
  std::vector<double> values_of_;
  GrB_Matrix matrix_ = nullptr;
};

}  // namespace

std::unique_ptr<Peer> graphblas_peer(const SparseTensor& csr, const SparseTensor& coo) {
  static const bool initialised = [] {
    ok(GrB_init(GrB_NONBLOCKING), "GrB_init");
    ok(GxB_Global_Option_set(static_cast<GxB_Option_Field>(GxB_NTHREADS), 1), "GxB_Global_Option_set(GxB_NTHREADS)");
    return true;
  }();
  static_cast<void>(initialised);
  return std::make_unique<GraphBlasPeer>(csr, coo);
}

}  // namespace tessera::sparse::bench
