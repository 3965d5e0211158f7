# Matrix Market text on standard input (or from a pipe given as a path) is parsed as it arrives,
# never held whole: the same matrix as read from the file, and a malformed line named by its
# number, with no output left behind.
data_input m sparse bcsstk13
from_file=$(tessera sparse convert -i "$m" -o - --to csr --to-file mtx 2>/dev/null | cksum)
from_stdin=$(cat "$m" | tessera sparse convert -i - -o - --to csr --to-file mtx 2>/dev/null | cksum)
from_pipe=$(tessera sparse convert -i <(cat "$m") -o - --to csr --to-file mtx 2>/dev/null | cksum)
[ "$from_file" = "$from_stdin" ] && echo "standard input: the file's matrix"
[ "$from_file" = "$from_pipe" ] && echo "a pipe: the file's matrix"
{ sed -n 1,1000p "$m"; echo "1 1 oops"; sed -n '1001,$p' "$m"; } |
  tessera sparse convert -i - -o out.tsp 2>&1
code=${PIPESTATUS[1]}
ls
exit $code
