"""PyTorch beside tessera: torchvision's definition of a zoo model carrying the weights of the
model's .onnx file (tessera's model zoo names its initializers as torchvision names its
parameters), in eager mode and through torch.compile, on the given number of threads; median
latency over timed runs after warm-up. Writes the random float32 input and PyTorch's output as
<model>.input.npy and <model>.torch.npy beside the .onnx file, so that tessera's output on the
same input can be compared. Prints one JSON object.

Usage: torch_peer.py <zoo-model> <model.onnx> <threads> <runs> [--no-compile]
"""
import json
import statistics
import sys
import time

import numpy
import onnx
import onnx.numpy_helper
import torch
import torchvision

ARCHITECTURES = {
    "resnet18": torchvision.models.resnet18,
    "mobilenetv2": torchvision.models.mobilenet_v2,
    "squeezenet1.1": torchvision.models.squeezenet1_1,
}


def load(name, path):
    model = ARCHITECTURES[name](weights=None)
    weights = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    state = model.state_dict()
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        if key not in weights or tuple(weights[key].shape) != tuple(value.shape):
            sys.exit(f"torch_peer: {path} has no initializer '{key}' of shape {tuple(value.shape)}")
        state[key] = torch.from_numpy(weights[key].copy())
    model.load_state_dict(state)
    return model.eval()


def median_latency(function, x, runs):
    with torch.inference_mode():
        for _ in range(3):
            function(x)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            function(x)
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    name, path, threads, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    compile_too = "--no-compile" not in sys.argv[5:]
    torch.set_num_threads(threads)
    model = load(name, path)
    shape = [d.dim_value for d in onnx.load(path).graph.input[0].type.tensor_type.shape.dim]
    x = numpy.random.default_rng(7).uniform(-1, 1, shape).astype(numpy.float32)
    stem = path[: -len(".onnx")] if path.endswith(".onnx") else path
    numpy.save(stem + ".input.npy", x)
    tx = torch.from_numpy(x)
    with torch.inference_mode():
        numpy.save(stem + ".torch.npy", model(tx).numpy())
    result = {"peer": "pytorch", "version": torch.__version__, "model": path, "threads": threads,
              "runs": runs, "eager_median_s": median_latency(model, tx, runs)}
    if compile_too:
        start = time.perf_counter()
        compiled = torch.compile(model)
        with torch.inference_mode():
            compiled(tx)
        result["compile_s"] = time.perf_counter() - start
        result["compiled_median_s"] = median_latency(compiled, tx, runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
