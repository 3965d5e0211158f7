# Training options are checked before any training field is read: decreasing bit-rates are a
# usage error naming --bit-rates although the field does not even exist, and nothing is written.
tessera compress train -o books.tcb --bit-rates 4,2 absent.f32 -1 1000
code=$?
ls
exit $code
