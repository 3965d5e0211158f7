# --print-plan prints the plan of a run and compresses nothing; with --json as one object.
f32_ramp ramp.f32 20000
tessera compress -i ramp.f32 -z ramp.tsz -f -2 200 100 -M ABS 0.01 --print-plan
if [ -e ramp.tsz ]; then echo "--print-plan wrote ramp.tsz"; fi
tessera compress -i ramp.f32 -f -2 200 100 -M FXR -C 6 --print-plan --json |
  python3 -c 'import json, sys; p = json.load(sys.stdin); print(p["lossless"], p["codebook_mode"], p["estimates"] > 0)'
