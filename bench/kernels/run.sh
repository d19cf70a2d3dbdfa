#!/bin/bash
# The dataflow firmware's digital kernels on a 16-core cluster, built for
# core.isa rv32imc and rv32imc_xcv (CORE-V), each checked bit for bit:
# cycles (whole cluster, barrier included) and instructions (all cores).
# usage: bench/kernels/run.sh BUILD_DIR
set -eu
ctest --test-dir "$1" -R '^test_dataflow_kernels' -V 2>&1 | grep -E '^[0-9]+: kernel' | sed 's/^[0-9]*: //' | sort
