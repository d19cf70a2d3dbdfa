# vp_add_firmware(NAME SOURCES ... [LINKER_SCRIPT file] [DEFINES ...] [INCLUDES ...]
#                 [CFLAGS ...] [LDFLAGS ...] [NO_CRT0])
# Cross-compiles an RV32IMC bare-metal ELF to ${PROJECT_BINARY_DIR}/firmware/NAME.elf
# with riscv64-unknown-elf-gcc and picolibc. Target `fw_NAME` builds it;
# `firmware` builds all. Without NO_CRT0 the bare platform's start-up code and
# console are linked in; LINKER_SCRIPT defaults to firmware/crt0/bare.ld.
#
# picolibc ships no rv32imc multilib: objects are compiled for rv32imc_zicsr
# and linked against the rv32im/ilp32 libraries (same ABI, no C instructions
# in the libraries, which the core runs as well).
# Global (cache) so that vp_add_firmware works from any directory (bench/, ...).
set(VP_FW_DIR ${CMAKE_CURRENT_LIST_DIR}/.. CACHE INTERNAL "")
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
  set(flags ${VP_FW_ARCH} ${VP_FW_CFLAGS} ${F_CFLAGS} -I${PROJECT_SOURCE_DIR}/contracts -I${VP_FW_DIR})
  foreach(d ${F_DEFINES})
    list(APPEND flags -D${d})
  endforeach()
  foreach(i ${F_INCLUDES})
    get_filename_component(i ${i} ABSOLUTE)
    list(APPEND flags -I${i})
  endforeach()
  set(objdir ${PROJECT_BINARY_DIR}/firmware/${name}.obj)
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
  set(elf ${PROJECT_BINARY_DIR}/firmware/${name}.elf)
  add_custom_command(OUTPUT ${elf}
    COMMAND ${VP_FW_CC} ${VP_FW_LINK_ARCH} --specs=picolibc.specs -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments
            -T ${F_LINKER_SCRIPT} ${F_LDFLAGS} ${objs} -o ${elf}
    DEPENDS ${objs} ${F_LINKER_SCRIPT}
    COMMENT "firmware ${name}: linking ${name}.elf" VERBATIM)
  add_custom_target(fw_${name} DEPENDS ${elf})
  add_dependencies(firmware fw_${name})
endfunction()
