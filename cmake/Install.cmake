# Install rules (cmake --install BUILD [--prefix DIR]) and the .deb (cpack -G DEB):
#   bin/                      vp-run, vp-map
#   share/mpaimc-vp/          networks/, platforms/ (the built-in ones, as files to copy from),
#                             firmware/dataflow.elf and dataflow_xcv.elf (core.isa rv32imc_xcv), scripts/ (plots)
#   share/mpaimc-vp/sdk/      contracts/ (register maps, address map, formats, numerics) and
#                             firmware/ (hal/, crt0/, cluster/, cmake/VpFirmware.cmake)
#   share/mpaimc-vp/examples/ the firmware examples (examples/)
#   lib/cmake/MpaimcVpSdk/    the CMake package of the SDK
#   share/doc/mpaimc-vp/      README, docs, LICENSE
#   share/bash-completion/completions/  vp-run, vp-map
set(CMAKE_INSTALL_DOCDIR share/doc/mpaimc-vp)  # the package name, not the CMake project name
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(MPAIMC_SHARE ${CMAKE_INSTALL_DATADIR}/mpaimc-vp)
set(MPAIMC_SDK_DIR ${MPAIMC_SHARE}/sdk)

install(TARGETS vp-run vp-map RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/mapping/networks/ DESTINATION ${MPAIMC_SHARE}/networks FILES_MATCHING
        PATTERN "*.yaml" PATTERN "*.vpwt" PATTERN "*.float-pred" PATTERN "*.onnx")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/platform/configs/ DESTINATION ${MPAIMC_SHARE}/platforms FILES_MATCHING PATTERN "*.yaml")
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/plot_cluster_time.py ${PROJECT_SOURCE_DIR}/scripts/plot_pipeline.py
        ${PROJECT_SOURCE_DIR}/scripts/plot_auto.py DESTINATION ${MPAIMC_SHARE}/scripts)
if(VP_BUILD_FIRMWARE)
  install(FILES ${PROJECT_BINARY_DIR}/firmware/dataflow.elf ${PROJECT_BINARY_DIR}/firmware/dataflow_xcv.elf
          DESTINATION ${MPAIMC_SHARE}/firmware)
endif()

# The firmware SDK: the contracts and the firmware's own sources and helpers.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/contracts/ DESTINATION ${MPAIMC_SDK_DIR}/contracts FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/firmware/hal DESTINATION ${MPAIMC_SDK_DIR}/firmware)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/crt0/crt0.S ${PROJECT_SOURCE_DIR}/firmware/crt0/bare_syscalls.c
              ${PROJECT_SOURCE_DIR}/firmware/crt0/bare.ld DESTINATION ${MPAIMC_SDK_DIR}/firmware/crt0)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/cluster/crt0.S ${PROJECT_SOURCE_DIR}/firmware/cluster/cluster_start.c
              ${PROJECT_SOURCE_DIR}/firmware/cluster/cluster.ld DESTINATION ${MPAIMC_SDK_DIR}/firmware/cluster)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/cmake/VpFirmware.cmake DESTINATION ${MPAIMC_SDK_DIR}/firmware/cmake)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${MPAIMC_SHARE}/examples
        PATTERN "CMakeLists.txt" PATTERN "*.c" PATTERN "*.expected" PATTERN "README.md")

# The CMake package: the config file finds the prefix from its own place.
set(MPAIMC_CONFIG_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/MpaimcVpSdk)
file(RELATIVE_PATH MPAIMC_SDK_PREFIX_FROM_CONFIG /${MPAIMC_CONFIG_DIR} /)
configure_file(${PROJECT_SOURCE_DIR}/cmake/MpaimcVpSdkConfig.cmake.in
               ${PROJECT_BINARY_DIR}/MpaimcVpSdkConfig.cmake @ONLY)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/MpaimcVpSdkConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/MpaimcVpSdkConfig.cmake ${PROJECT_BINARY_DIR}/MpaimcVpSdkConfigVersion.cmake
        DESTINATION ${MPAIMC_CONFIG_DIR})

install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
# bash-completion loads completions/<command>: the one script serves both tools.
foreach(tool vp-run vp-map)
  install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/vp-run.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ${tool})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/scripts/completion/vp-sweep.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME vp-sweep)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# cpack -G DEB in the build tree: one package with the tools and the SDK.
set(CPACK_PACKAGE_NAME mpaimc-vp)
set(CPACK_PACKAGE_VENDOR "mpaimc-vp developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SystemC/TLM-2.0 virtual platform of a massively parallel analog in-memory computing architecture")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mpaimc-vp developers <noreply@invalid>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf, python3-matplotlib, python3-yaml, gtkwave, gdb-multiarch, slurm-client")
include(CPack)
