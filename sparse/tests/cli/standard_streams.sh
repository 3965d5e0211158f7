# "-" reads standard input (kind by content) and writes standard output (kind by --to-file).
data_input m sparse pores_1
tessera sparse convert -i - -o - --to rlc:4@col --to-file tsp < "$m" 2>/dev/null | tessera sparse info - | head -1
tessera sparse convert -i "$m" -o -
