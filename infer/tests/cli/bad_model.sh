# A truncated model and a model of a dynamic batch size are refused by name (exit 1), with no
# output left behind.
data_input model infer mnist-8
dir=$(dirname "$model")
head -c 100 "$model" > truncated.onnx
tessera infer run truncated.onnx -i "$dir/test_data_set_0/input_0.pb" -o out.pb
echo "exit $?"
tessera infer run "$model" -i missing.pb -o out.pb
echo "exit $?"
ls
