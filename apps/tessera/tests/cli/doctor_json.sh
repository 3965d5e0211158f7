# doctor --json is one JSON object with the CPU, components, kernels and data sources.
tessera doctor --json | python3 -c "
import json, sys
r = json.load(sys.stdin)
assert r[\"cpu\"][\"dispatch\"] in (\"scalar\", \"avx2\", \"avx512\")
assert r[\"components\"] and \"kernels\" in r and \"data_sources\" in r
print(\"parsed\")
"
