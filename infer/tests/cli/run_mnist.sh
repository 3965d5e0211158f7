# `tessera infer run` on mnist-8: one output tensor written where -o says (TensorProto, or .npy),
# its name, type and shape on stderr; `tessera infer check` agrees with the expected digits of its three test sets.
data_input model infer mnist-8
dir=$(dirname "$model")
tessera infer run "$model" -i "$dir/test_data_set_0/input_0.pb" -o digits.pb
tessera infer run "$model" -i "$dir/test_data_set_0/input_0.pb" -o digits.npy
ls
mkdir no-node-tests
tessera infer check --filter mnist-8 --node-tests no-node-tests
