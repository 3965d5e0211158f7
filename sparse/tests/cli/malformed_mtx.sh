# wrong.mtx of Debian's r-cran-matrix (a row index 0) fails with its line number (exit 1), in
# info and in convert, and convert leaves no output behind.
data_input wrong sparse wrong
tessera sparse info "$wrong" 2>&1 | sed "s|$wrong|wrong.mtx|"
tessera sparse convert -i "$wrong" -o out.tsp 2>&1 | sed "s|$wrong|wrong.mtx|"
code=${PIPESTATUS[0]}
ls
exit $code
