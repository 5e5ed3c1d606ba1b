#!/bin/sh
# End-to-end tests: placeholder runner (cases are added under tests/e2e/cases).
set -u
echo "e2e: 0 passed, 0 failed"
