# The firmware build helpers, used in this tree and, installed with the SDK
# (share/mpaimc-vp/sdk/firmware/cmake), by other projects through
# find_package(MpaimcVpSdk) (cmake/MpaimcVpSdkConfig.cmake.in).
#
# vp_add_firmware(NAME SOURCES ... [LINKER_SCRIPT file] [DEFINES ...] [INCLUDES ...]
#                 [CFLAGS ...] [LDFLAGS ...] [NO_CRT0])
# Cross-compiles an RV32IMC bare-metal ELF to ${VP_FW_OUTPUT_DIR}/NAME.elf
# (default: <top build dir>/firmware) with riscv64-unknown-elf-gcc and
# picolibc. Target `fw_NAME` builds it; `firmware` builds all. Without NO_CRT0
# the bare platform's start-up code and console are linked in; LINKER_SCRIPT
# defaults to crt0/bare.ld.
#
# vp_add_cluster_firmware(NAME SOURCES ... [INCLUDES ...] [DEFINES ...])
# The same for a cluster program (every core runs main(); core 0's return
# value is the cluster's exit code): the cluster start-up code, console and
# linker script (cluster/).
#
# Before including this file, VP_FW_DIR may name the folder holding crt0/,
# cluster/ and hal/ and VP_FW_CONTRACTS_DIR the contracts headers (defaults:
# this tree's).
#
# picolibc ships no rv32imc multilib: objects are compiled for rv32imc_zicsr
# and linked against the rv32im/ilp32 libraries (same ABI, no C instructions
# in the libraries, which the core runs as well).
# Global (cache) so that vp_add_firmware works from any directory (bench/, ...).
if(NOT VP_FW_DIR)
  get_filename_component(VP_FW_DIR ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
  set(VP_FW_DIR ${VP_FW_DIR} CACHE INTERNAL "")
endif()
if(NOT VP_FW_CONTRACTS_DIR)
  get_filename_component(VP_FW_CONTRACTS_DIR ${VP_FW_DIR}/../contracts ABSOLUTE)
  set(VP_FW_CONTRACTS_DIR ${VP_FW_CONTRACTS_DIR} CACHE INTERNAL "")
endif()
set(VP_FW_OUTPUT_DIR ${CMAKE_BINARY_DIR}/firmware CACHE PATH "Where vp_add_firmware writes the ELF files")
set(VP_FW_CC riscv64-unknown-elf-gcc CACHE INTERNAL "")
set(VP_FW_ARCH -march=rv32imc_zicsr -mabi=ilp32 CACHE INTERNAL "")
set(VP_FW_LINK_ARCH -march=rv32im -mabi=ilp32 CACHE INTERNAL "")
set(VP_FW_CFLAGS -O2 -g -Wall -Wextra -ffunction-sections -fdata-sections --specs=picolibc.specs CACHE INTERNAL "")
if(NOT TARGET firmware)
  add_custom_target(firmware ALL)
endif()

function(vp_add_firmware name)
  cmake_parse_arguments(F "NO_CRT0" "LINKER_SCRIPT" "SOURCES;DEFINES;INCLUDES;CFLAGS;LDFLAGS" ${ARGN})
  set(srcs ${F_SOURCES})
  if(NOT F_NO_CRT0)
    list(APPEND srcs ${VP_FW_DIR}/crt0/crt0.S ${VP_FW_DIR}/crt0/bare_syscalls.c)
  endif()
  if(NOT F_LINKER_SCRIPT)
    set(F_LINKER_SCRIPT ${VP_FW_DIR}/crt0/bare.ld)
  endif()
  get_filename_component(F_LINKER_SCRIPT ${F_LINKER_SCRIPT} ABSOLUTE)
  set(flags ${VP_FW_ARCH} ${VP_FW_CFLAGS} ${F_CFLAGS} -I${VP_FW_CONTRACTS_DIR} -I${VP_FW_DIR})
  foreach(d ${F_DEFINES})
    list(APPEND flags -D${d})
  endforeach()
  foreach(i ${F_INCLUDES})
    get_filename_component(i ${i} ABSOLUTE)
    list(APPEND flags -I${i})
  endforeach()
  set(objdir ${VP_FW_OUTPUT_DIR}/${name}.obj)
  set(objs)
  foreach(s ${srcs})
    get_filename_component(s ${s} ABSOLUTE)
    get_filename_component(base ${s} NAME)
    set(o ${objdir}/${base}.o)
    add_custom_command(OUTPUT ${o}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${objdir}
      COMMAND ${VP_FW_CC} ${flags} -MD -MF ${o}.d -c ${s} -o ${o}
      DEPENDS ${s} DEPFILE ${o}.d
      COMMENT "firmware ${name}: ${base}" VERBATIM)
    list(APPEND objs ${o})
  endforeach()
  set(elf ${VP_FW_OUTPUT_DIR}/${name}.elf)
  add_custom_command(OUTPUT ${elf}
    COMMAND ${VP_FW_CC} ${VP_FW_LINK_ARCH} --specs=picolibc.specs -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments
            -T ${F_LINKER_SCRIPT} ${F_LDFLAGS} ${objs} -o ${elf}
    DEPENDS ${objs} ${F_LINKER_SCRIPT}
    COMMENT "firmware ${name}: linking ${name}.elf" VERBATIM)
  add_custom_target(fw_${name} DEPENDS ${elf})
  add_dependencies(firmware fw_${name})
endfunction()

function(vp_add_cluster_firmware name)
  cmake_parse_arguments(C "" "" "SOURCES;INCLUDES;DEFINES" ${ARGN})
  vp_add_firmware(${name} NO_CRT0
    SOURCES ${VP_FW_DIR}/cluster/crt0.S ${VP_FW_DIR}/cluster/cluster_start.c ${C_SOURCES}
    LINKER_SCRIPT ${VP_FW_DIR}/cluster/cluster.ld
    INCLUDES ${C_INCLUDES}
    DEFINES ${C_DEFINES})
endfunction()
