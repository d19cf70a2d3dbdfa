#!/usr/bin/env bash
# usage: install_sdk.sh BUILD_DIR WORK_DIR
# cmake --install into a fresh prefix, then, with nothing but that prefix:
# an example project built outside the source tree against the installed SDK
# (find_package(MpaimcVpSdk)) and run by the installed vp-run; the installed
# vp-run's data (networks, dataflow firmware) found beside it; and the .deb.
set -u
build=$1 work=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >install.log 2>&1 || fail "cmake --install: $(tail -5 install.log)"
for f in bin/vp-run bin/vp-map share/mpaimc-vp/networks/resnet18.yaml share/mpaimc-vp/platforms/mpaimc-512.yaml \
         share/mpaimc-vp/firmware/dataflow.elf share/mpaimc-vp/scripts/plot_cluster_time.py \
         share/mpaimc-vp/sdk/contracts/ima_regs.h share/mpaimc-vp/sdk/contracts/address_map.h \
         share/mpaimc-vp/sdk/firmware/hal/ima.h share/mpaimc-vp/sdk/firmware/cluster/cluster.ld \
         share/mpaimc-vp/sdk/firmware/cmake/VpFirmware.cmake share/mpaimc-vp/examples/hello/hello.c \
         lib/cmake/MpaimcVpSdk/MpaimcVpSdkConfig.cmake share/doc/mpaimc-vp/docs/getting-started.md \
         share/bash-completion/completions/vp-run share/bash-completion/completions/vp-map \
         share/bash-completion/completions/vp-sweep; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done

# An example from the installed tree, built against the installed SDK only.
cp -r "$prefix/share/mpaimc-vp/examples/ima_job" src
cmake -S src -B b -DCMAKE_PREFIX_PATH="$prefix" >configure.log 2>&1 || fail "configure: $(tail -20 configure.log)"
grep -q "$prefix" b/CMakeCache.txt || fail "the example did not use the installed SDK"
cmake --build b >build.log 2>&1 || fail "build: $(tail -20 build.log)"
[ -f b/firmware/ex_ima_job.elf ] || fail "no ELF: $(ls -R b | head)"
ctest --test-dir b --output-on-failure >ctest.log 2>&1 || fail "the example's test: $(cat ctest.log)"
out=$("$prefix/bin/vp-run" -q --platform cluster-1 --elf b/firmware/ex_ima_job.elf) || fail "run: $out"
case "$out" in *"mismatches 0"*) ;; *) fail "unexpected output: $out";; esac

# The installed vp-run takes its networks and firmware from the prefix.
"$prefix/bin/vp-run" -q --network no_such_network --platform mpaimc-8 >nonet.out 2>&1 && fail "a missing network was accepted"
grep -q "$prefix/share/mpaimc-vp/networks/no_such_network.yaml" nonet.out || fail "not looked up in the prefix: $(cat nonet.out)"
"$prefix/bin/vp-run" -q --network resnet-tiny --platform mpaimc-8 --batch 1 --stats tiny.json >tiny.out 2>&1 ||
  fail "dataflow job from the prefix: $(tail -5 tiny.out)"
grep -q "$prefix/share/mpaimc-vp/networks/resnet-tiny.yaml" tiny.json || fail "network not from the prefix"
python3 -c "import json,sys; d=json.load(open('tiny.json'))['dataflow']; sys.exit(0 if d['output_check']['mismatches']==0 else 1)" ||
  fail "dataflow outputs not bit-exact"

# Completion of the installed tool finds the installed networks.
out=$(PATH="$prefix/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(vp-run --network resnet); COMP_CWORD=2; _mpaimc_vp
  printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/vp-run")
case "$out" in *resnet18*) ;; *) fail "installed completion: $out";; esac

# The Debian package: the same tree under /usr, with its library dependencies.
cpack -G DEB -B "$work/pkg" --config "$build/CPackConfig.cmake" >cpack.log 2>&1 || fail "cpack: $(tail -20 cpack.log)"
deb=$(ls "$work"/pkg/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no .deb: $(tail -5 cpack.log)"
dpkg-deb -c "$deb" >contents.txt || fail "dpkg-deb -c"
for f in ./usr/bin/vp-run ./usr/lib/cmake/MpaimcVpSdk/MpaimcVpSdkConfig.cmake ./usr/share/mpaimc-vp/sdk/contracts/dma_regs.h; do
  grep -q " $f$" contents.txt || fail ".deb lacks $f"
done
dpkg-deb -f "$deb" Depends | grep -q libsystemc || fail ".deb does not depend on libsystemc: $(dpkg-deb -f "$deb" Depends)"
echo "install ok: $prefix, $(basename "$deb")"
