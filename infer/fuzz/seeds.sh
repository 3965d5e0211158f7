#!/usr/bin/env bash
# Seeds for the ONNX importer: small models and tensors of the ONNX backend node tests
# (Debian's libonnx-testdata), when installed.
# Usage: seeds.sh <corpus-folder> <tessera>
set -euo pipefail
corpus=$1
root=/usr/share/libonnx-testdata/data/node
[ -d "$root" ] || exit 0
for case in test_relu test_conv_with_strides_padding test_gemm_default_matrix_bias test_maxpool_2d_pads \
            test_reshape_reordered_all_dims test_concat_2d_axis_0; do
  [ -d "$root/$case" ] || continue
  cp "$root/$case/model.onnx" "$corpus/$case.onnx"
  cp "$root/$case/test_data_set_0/input_0.pb" "$corpus/$case.input_0.pb"
done
