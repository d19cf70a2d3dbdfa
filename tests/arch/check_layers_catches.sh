#!/usr/bin/env bash
# The layer check itself: a tree made here with one forbidden include of each
# kind must be refused with the file, line and rule; a clean one accepted.
set -euo pipefail
check=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mk() { mkdir -p "$(dirname "$work/$1")"; printf '%s\n' "$2" > "$work/$1"; }
mk contracts/regs.h '#define REG 0'
mk core/sim/error.hpp '#include "regs.h"'
mk ip/dma/dma.cpp '#include "sim/error.hpp"'
mk mapping/src/map.cpp '#include "regs.h"'
mk firmware/hal/hal.h '#include "regs.h"'
mk platform/top/platform.hpp '#include "dma/dma.cpp"'
mk firmware/app/app.c '#include "app_data.h"'
mk firmware/app/CMakeLists.txt 'set(DATA ${CMAKE_CURRENT_BINARY_DIR}/app_data.h)'
python3 "$check" "$work" > "$work/clean.out" || { cat "$work/clean.out"; echo "FAIL: a clean tree was refused"; exit 1; }

mk ip/dma/dma.cpp '#include "top/platform.hpp"'
mk mapping/src/map.cpp '#include "dma/dma.cpp"'
mk firmware/hal/hal.h '#include "sim/error.hpp"'
mk core/sim/error.hpp '#include "missing.h"'
mk firmware/app/main.c '#include "other_data.h"'
mk ip/dma/CMakeLists.txt 'target_include_directories(x PUBLIC ${PROJECT_SOURCE_DIR}/platform)'
if python3 "$check" "$work" > "$work/bad.out"; then cat "$work/bad.out"; echo "FAIL: violations accepted"; exit 1; fi
for want in 'ip/dma/dma.cpp:1: #include "top/platform.hpp" is platform/top/platform.hpp' \
            'mapping/src/map.cpp:1: #include "dma/dma.cpp" is ip/dma/dma.cpp' \
            'firmware/hal/hal.h:1: #include "sim/error.hpp" is core/sim/error.hpp' \
            'core/sim/error.hpp:1: #include "missing.h" resolves to no file' \
            'firmware/app/main.c:1: #include "other_data.h" resolves to no file' \
            'ip/dma/CMakeLists.txt:1: names platform/' \
            '6 layer violation(s)'; do
  grep -qF "$want" "$work/bad.out" || { cat "$work/bad.out"; echo "FAIL: missing: $want"; exit 1; }
done
echo "check_layers: catches every kind of violation"
