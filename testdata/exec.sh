#!/bin/sh
# Test helper for the exec checker: prints its arguments, then exits with the first one.
echo "exec.sh says: $*"
exit "${1:-0}"
