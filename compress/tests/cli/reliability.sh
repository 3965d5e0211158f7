# labels: slow
# Data safety under attack, one line per check: outputs that are not regular files are written in
# place and stay what they were; outputs equal to inputs are refused; a signal during a run leaves
# no temporary file; truncated and crafted inputs are refused; huge thread counts do not crash.
n=262144
f32_ramp field.f32 $n
tessera compress -i field.f32 -z ref.tsz -1 $n -M ABS 0.01 2>/dev/null
tessera compress -z ref.tsz -o ref.out
bytes=$((4 * n))

# Outputs that are not regular files.
mkfifo pipe
timeout 60 cat pipe > from_pipe.tsz &
tessera compress -i field.f32 -z pipe -1 $n -M ABS 0.01 2>/dev/null
wait
[ -p pipe ] && cmp -s from_pipe.tsz ref.tsz && echo "FIFO -z: written in place, still a FIFO"
[ "$(tessera compress -z ref.tsz -o /dev/stdout | wc -c)" -eq $bytes ] &&
  echo "/dev/stdout -o: the field on standard output"
tessera compress -z ref.tsz -o /dev/null && [ -c /dev/null ] && echo "/dev/null -o: still a device"
ln -s ref.out link.out
tessera compress -z ref.tsz -o link.out && [ -L link.out ] && cmp -s ref.out link.out &&
  echo "symlink -o: its target written, still a link"
mkdir folder
tessera compress -z ref.tsz -o folder 2>/dev/null || echo "folder -o: refused, exit $?"
rm -r folder from_pipe.tsz link.out pipe

# Outputs that are inputs.
cp field.f32 keep.f32
tessera compress -i field.f32 -z field.f32 -1 $n -M ABS 0.01 2>/dev/null ||
  echo "-z equal to -i: exit $?"
tessera compress -z ref.tsz -o ref.tsz 2>/dev/null || echo "-o equal to -z: exit $?"
tessera compress -i field.f32 -z x.tsz -o x.tsz -1 $n -M ABS 0.01 2>/dev/null ||
  echo "-o equal to -z: exit $?"
cmp -s field.f32 keep.f32 && [ ! -e x.tsz ] && echo "nothing replaced or written"
rm keep.f32

# A signal during a run: tessera has opened its outputs (their temporary files exist) and waits
# for its input when the signal comes.
for signal in INT TERM HUP; do
  interrupt_while_reading "SIG$signal while compressing" $signal 'out.tsz.tmp-*' \
    tessera compress -i - -z out.tsz -1 $n -M ABS 0.01
done
interrupt_while_reading "SIGINT while decompressing" INT 'out.f32.tmp-*' \
  tessera compress -z - -o out.f32

# Truncated and crafted inputs.
head -c $((bytes - 4)) field.f32 > short.f32
tessera compress -i short.f32 -z s.tsz -1 $n -M ABS 0.01 2>/dev/null ||
  echo "raw input shorter than its dimensions: exit $?"
head -c 1000 ref.tsz > cut.tsz
tessera compress -z cut.tsz -o cut.out 2>/dev/null || echo "truncated stream: exit $?"
# Consistent with their checksums, inconsistent with themselves: a header 16 values short of what
# the chunk holds, for a coded and for a constant (one-value) chunk.
f32_ramp small.f32 1000
python3 -c 'import struct; open("flat.f32", "wb").write(struct.pack("<1000f", *[3.5] * 1000))'
for field in small flat; do
  tessera compress -i $field.f32 -z $field.tsz -1 1000 -M ABS 0.01 2>/dev/null
  python3 "$TESSERA_SOURCE_DIR/compress/tests/cli/craft_tsz.py" $field.tsz short.tsz 16
  tessera compress -z short.tsz -o short.out 2>/dev/null || echo "$field with a shrunk header: exit $?"
done
ls | grep -c -e '^s.tsz' -e '^cut.out' -e '^short.out' | sed 's/^/outputs left: /'

# Thread counts.
OMP_NUM_THREADS=65536 tessera compress -i field.f32 -z t.tsz -1 $n -M ABS 0.01 2>&1 |
  grep -o 'asks for 65536 threads; using 4096'
cmp -s t.tsz ref.tsz && echo "same bytes on 4096 threads"
tessera --threads 65536 compress -z ref.tsz -o t.out 2>/dev/null || echo "--threads 65536: exit $?"
