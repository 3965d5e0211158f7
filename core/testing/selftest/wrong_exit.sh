# The runner must fail this test: the exit code differs from the expectation.
exit 3
