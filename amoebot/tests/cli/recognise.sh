# `tessera amoebot run pasc` gives every amoebot of a chain its distance in 2 · (floor(log2 m) + 3)
# rounds, and refuses a structure whose nodes do not follow each other; `run triangle`, `hexagon`,
# `rhombus`, `trapezoid` and `parallelogram` (with a linear or polynomial side ratio) accept their
# shapes and refuse near misses, always rightly; `study` counts false verdicts as failures.
field() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
tessera amoebot run pasc --shape spiral:5000 --seed 3 --json |
  field "d['result']['all_distances_right'], d['rounds'], d['predicted_rounds']"
printf '0 0\n1 0\n2 0\n2 1\n1 2\n' > walk.txt
tessera amoebot run pasc -i walk.txt --json | field "d['result']['all_distances_right']"
printf '0 0\n2 0\n1 0\n' > jump.txt
tessera amoebot run pasc -i jump.txt
echo "exit $?"
tessera amoebot run triangle --shape triangle:40 --json | field "d['result'], d['rounds']"
tessera amoebot shape triangle:40 -o holed.txt
grep -v '^5 5$' holed.txt > hole.txt
tessera amoebot run triangle -i hole.txt --json | field "d['result'], d['rounds']"
tessera amoebot run parallelogram --shape parallelogram:20x60 --ratio 3 --json |
  field "d['result']"
tessera amoebot run parallelogram --shape parallelogram:20x61 --ratio 3 --json |
  field "d['result']"
tessera amoebot run parallelogram --shape parallelogram:20x61 --json | field "d['result'], d['rounds']"
tessera amoebot run parallelogram --shape hexagon:5 --json | field "d['result']"
tessera amoebot run parallelogram --shape parallelogram:3x27 --power 3 --json | field "d['result']"
tessera amoebot run parallelogram --shape parallelogram:27x3 --power 3 --json | field "d['result']"
tessera amoebot run parallelogram --shape parallelogram:3x28 --power 3 --json | field "d['result']"
tessera amoebot run parallelogram --shape parallelogram:3x27 --power 2 --json | field "d['result']"
tessera amoebot run hexagon --shape hexagon:30 --json | field "d['result'], d['rounds']"
tessera amoebot run hexagon --shape triangle:30 --json | field "d['result'], d['rounds']"
tessera amoebot run rhombus --shape parallelogram:20x20 --json | field "d['result'], d['rounds']"
tessera amoebot run rhombus --shape parallelogram:20x21 --json | field "d['result'], d['rounds']"
tessera amoebot run trapezoid --shape triangle:4 --json | field "d['result'], d['rounds']"
tessera amoebot run parallelogram --shape parallelogram:3x9 --power 2 --ratio 3
echo "exit $?"
tessera amoebot run triangle --shape triangle:5 --ratio 2
echo "exit $?"
tessera amoebot study parallelogram --ratio 2 --sizes 16,64,256 --seeds 12 --json |
  field "[s['failures'] for s in d['sizes']], d['alpha'] > 0"
tessera amoebot study parallelogram --power 2 --sizes 16,64,256 --seeds 12 --json |
  field "[s['failures'] for s in d['sizes']]"
tessera amoebot study triangle --sizes 16,256,4096 --seeds 8 --json |
  field "[s['failures'] for s in d['sizes']], [s['mean'] for s in d['sizes']]"
