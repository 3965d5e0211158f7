# Formats timed against each other on a real matrix beside the advisor's picks; JSON names every
# candidate format. Slow: the advisor calibrates its cost model first (seconds).
# labels: slow
data_input m sparse lund_a
tessera sparse bench -i "$m" --seconds 0.001 2>/dev/null | sed "s|$m|lund_a.mtx|" | head -2
tessera sparse bench -i "$m" --seconds 0.001 --json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)["matrices"][0]
print(sorted(f["format"] for f in r["formats"]))
print(r["storage_pick"])'
