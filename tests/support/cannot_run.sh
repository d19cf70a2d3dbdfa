#!/bin/sh
# A test whose prerequisite is missing: says which, and exits 77 (CTest: skipped).
echo "cannot run: $*"
exit 77
