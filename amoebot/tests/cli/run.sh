# `tessera amoebot run` and `shape`: leader election elects one leader on generated and written
# structures in about the calibrated number of rounds, consensus agrees on the largest input, and
# bad structures and options fail with a clear message and exit code; `study` fits and plots;
# `--svg` and `--svg-frames` draw small runs and refuse large ones.
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
tessera amoebot run leader-election --shape hexagon:30 --seed 7 --json > hex.json
python3 - hex.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"hexagon:30: {d['amoebots']} amoebots, {d['result']['leaders']} leader, rounds within 15% "
      f"of the calibration: {abs(d['rounds'] / d['predicted_rounds'] - 1) < 0.15}")
PY
tessera amoebot shape blob:500 --seed 3 -o blob.txt
echo "blob.txt: $(wc -l < blob.txt) lines"
tessera amoebot run leader-election -i blob.txt --kappa 2 --json | field "['result']['leaders']"
tessera amoebot run consensus --shape spiral:400 --bits 4 --json | field "['result']['all_agree']"
tessera amoebot run consensus --shape line:1 --json | field "['rounds']"
tessera amoebot run compass --shape holes:500 --seed 2 --json | field "['result']['all_agree']"
printf '0 0\n1 0\n3 0\n' > apart.txt
tessera amoebot run leader-election -i apart.txt
echo "exit $?"
tessera amoebot run leader-election --shape circle:3
echo "exit $?"
tessera amoebot run leader-election --shape hexagon:3 -i blob.txt
echo "exit $?"
tessera amoebot run leader-election --shape hexagon:40 --max-rounds 10
echo "exit $?"
tessera amoebot study consensus --sizes 16,64 --seeds 3 --json |
  python3 -c "import json, sys; d = json.load(sys.stdin); print('consensus study: alpha', d['alpha'], 'rounds', [s['mean'] for s in d['sizes']])"
tessera amoebot study leader-election --sizes 16,256 --seeds 20 --png study.png 2>/dev/null |
  grep -c "^fit: mean rounds"
head -c 4 study.png | od -An -c | tr -s ' '
tessera amoebot study chirality --sizes 16
echo "exit $?"
tessera amoebot run leader-election --shape hexagon:30 --seed 7 --svg out.svg > /dev/null
echo "out.svg: $(grep -c "<polygon" out.svg) amoebots, $(grep -c "#ffd54f" out.svg) leader filled"
tessera amoebot run chirality --shape hexagon:1 --svg-frames frames > /dev/null
echo "frames: $(ls frames | head -1) .. $(ls frames | tail -1)"
tessera amoebot run leader-election --shape hexagon:50 --png big.png > /dev/null
echo "big.png: $(head -c 4 big.png | od -An -c | tr -s ' ')"
tessera amoebot run leader-election --shape hexagon:50 --svg big.svg
echo "exit $?, big.svg written: $([ -e big.svg ] && echo yes || echo no)"
