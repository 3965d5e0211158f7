# An output that is the same file as an input, or as the other output, is refused (exit 2) before
# any work, through links too; nothing is replaced.
f32_ramp field.f32 1000
tessera compress -i field.f32 -z field.tsz -1 1000 -M ABS 0.01 2>/dev/null
ln -s field.f32 link.f32
ln field.tsz hard.tsz
sum() { cksum field.f32 field.tsz | cut -d' ' -f1,2; }
before=$(sum)
tessera compress -i field.f32 -z field.f32 -1 1000 -M ABS 0.01; echo "exit $?"
tessera compress -i link.f32 -z field.f32 -1 1000 -M ABS 0.01; echo "exit $?"
tessera compress -z field.tsz -o hard.tsz; echo "exit $?"
tessera compress -i field.f32 -z out.tsz -o ./out.tsz -1 1000 -M ABS 0.01; echo "exit $?"
[ "$(sum)" = "$before" ] && echo "inputs unchanged"
ls
