# `tessera infer check` over the ONNX node tests of Gemm (all supported, all passing) and of Abs
# (not supported: counted, not failed), and its JSON form.
data_input marker infer node-tests
tessera infer check --no-models --filter test_gemm
tessera infer check --no-models --filter test_abs
tessera infer check --no-models --filter test_gemm_alpha --json
