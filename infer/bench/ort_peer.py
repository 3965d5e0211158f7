"""ONNX Runtime beside tessera: the latency of a model (.onnx) on random float32 inputs, all
graph optimizations on, the given number of intra-op threads, median over timed runs after
warm-up. Prints one JSON object.

Usage: ort_peer.py <model.onnx> <threads> <runs>
"""
import json
import statistics
import sys
import time

import numpy
import onnxruntime


def main():
    model, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    rng = numpy.random.default_rng(7)
    feeds = {i.name: rng.uniform(-1, 1, i.shape).astype(numpy.float32) for i in session.get_inputs()}
    for _ in range(3):
        session.run(None, feeds)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feeds)
        samples.append(time.perf_counter() - start)
    print(json.dumps({"peer": "onnxruntime", "version": onnxruntime.__version__, "model": model,
                      "threads": threads, "runs": runs, "median_s": statistics.median(samples),
                      "min_s": min(samples)}))


if __name__ == "__main__":
    main()
