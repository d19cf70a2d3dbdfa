# Sourced by the gdb tests. start_vp PLATFORM ARGS...: vp-run --gdb 0 with
# $ELF on PLATFORM in the background (under timeout), output in vp.out and
# vp.err; sets PORT (read from "gdb: listening on ...") and VP_PID.
start_vp() {
  local platform=$1; shift
  : >vp.err
  timeout 60 "$VP" --platform "$platform" --elf "$ELF" --gdb 0 "$@" >vp.out 2>vp.err &
  VP_PID=$!
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/^gdb: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' vp.err)
    [ -n "$PORT" ] && return
    sleep 0.1
  done
  fail "vp-run did not print its port: $(cat vp.err)"
}
