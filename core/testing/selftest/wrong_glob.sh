# The runner must fail this test: stderr does not match the glob.
echo "line one" >&2
echo "line two" >&2
