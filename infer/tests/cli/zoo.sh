# `tessera infer zoo` writes a benchmark model; the passes fold its batch norms and fuse its
# epilogues. A name outside the zoo is refused (exit 1) with nothing written.
tessera infer zoo resnet18 --image 64 --batch 2 -o resnet18.onnx
tessera infer optimize resnet18.onnx -o optimized.onnx
tessera infer zoo resnet50 -o resnet50.onnx
echo "exit $?"
ls
