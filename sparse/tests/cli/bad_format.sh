# An unknown or malformed --to is a usage error (exit 2) that lists the formats.
data_input m sparse pores_1
tessera sparse convert -i "$m" -o x.tsp --to bcsr:4
tessera sparse convert -i "$m" -o x.tsp --to csf@1,1
tessera sparse convert -i "$m" -o x.tsp --to hash
