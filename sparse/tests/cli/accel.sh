# The accelerator model on a real matrix kept in every candidate format: a row per format, the
# geometric mean with the parameters stated, and a PNG picture.
data_input m sparse pores_1
tessera sparse accel -i "$m" --every-format --png accel.png 2>/dev/null | sed "s|$m|pores_1.mtx|" | awk '{print $1, $2, $3}' | head -2
tessera sparse accel -i "$m" --runs 10 --units 16 2>/dev/null | tail -1 | sed 's/[0-9.]*x over/N.NNx over/'
head -c 8 accel.png | od -An -c | tr -s ' '
