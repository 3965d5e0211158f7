# `tessera infer compile` tunes mnist-8's plan and saves it; `run --plan-file` runs it without
# tuning and gives the digits `run --plan` gives; `plan` prints it. A plan saved for another model
# is refused (exit 1) with no output left behind.
data_input model infer mnist-8
input=$(dirname "$model")/test_data_set_0/input_0.pb
tessera infer compile "$model" -o mnist.plan 2>/dev/null
tessera infer run "$model" -i "$input" -o saved.pb --plan-file mnist.plan
tessera infer plan mnist.plan | wc -l
tessera infer zoo squeezenet1.1 --image 32 -o other.onnx 2>/dev/null
tessera infer run other.onnx -i "$input" -o other.pb --plan-file mnist.plan 2>&1 | sed "s|$PWD/||"
echo "exit ${PIPESTATUS[0]}"
ls
