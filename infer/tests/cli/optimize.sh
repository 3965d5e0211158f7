# `tessera infer optimize` saves the graph after the passes as ONNX: mnist-8's reshape of a
# constant weight is folded into the weight, its convolutions take the bias Adds and Relus after
# them, and the saved model gives the same digits.
data_input model infer mnist-8
input=$(dirname "$model")/test_data_set_0/input_0.pb
tessera infer optimize "$model" -o optimized.onnx 2>&1 | sed "s|$model|mnist-8|"
tessera infer run "$model" -i "$input" -o original.pb 2>/dev/null
tessera infer run optimized.onnx -i "$input" -o optimized.pb 2>/dev/null
cmp original.pb optimized.pb && echo "same outputs"
