# `tessera infer run --plan` runs mnist-8 through the optimized plan (its convolutions on the
# fastest conv kernel, its MatMul on OpenBLAS): one output, as with the reference kernels.
data_input model infer mnist-8
dir=$(dirname "$model")
tessera infer run "$model" -i "$dir/test_data_set_0/input_0.pb" -o digits.pb --plan
ls
