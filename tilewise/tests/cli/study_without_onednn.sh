# Without oneDNN, `tilewise study` still exists and says what the build lacks (exit 1).
if tessera doctor | grep -q '^  oneDNN  *built'; then
  echo "this build has oneDNN: the study runs" >&2
  exit 77
fi
tessera tilewise study --patterns tw --sparsities 0.75
