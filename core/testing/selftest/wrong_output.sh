# The runner must fail this test: the output differs from the expectation.
echo "actual output"
