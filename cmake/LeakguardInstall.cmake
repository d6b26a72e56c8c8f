# libleakguard: every module but the CLI in one static archive, installed with the public headers
# (include/leakguard/), a CMake package (find_package(leakguard) -> leakguard::leakguard, with its
# dependencies found by the package) and a pkg-config file. `cmake --install BUILD --prefix P`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# rules_core: the rules module's objects other than the built-in tables (see src/CMakeLists.txt).
set(LEAKGUARD_LIBRARY_MODULES base redact rules_core rules match input findings report scan api)
set(leakguard_objects)
foreach(m ${LEAKGUARD_LIBRARY_MODULES})
  list(APPEND leakguard_objects $<TARGET_OBJECTS:leakguard_${m}>)
endforeach()
add_library(libleakguard STATIC ${leakguard_objects})
set_target_properties(libleakguard PROPERTIES OUTPUT_NAME leakguard)

install(TARGETS libleakguard ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/leakguard/error.h include/leakguard/redact.h include/leakguard/scanner.h
              include/leakguard/secret.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/leakguard)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/leakguard)
configure_package_config_file(cmake/leakguardConfig.cmake.in
  ${PROJECT_BINARY_DIR}/leakguardConfig.cmake
  INSTALL_DESTINATION ${config_dir}
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/leakguardConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/leakguardConfig.cmake
              ${PROJECT_BINARY_DIR}/leakguardConfigVersion.cmake
        DESTINATION ${config_dir})

# The .pc file finds its prefix from its own location, so the install tree can move.
file(RELATIVE_PATH LEAKGUARD_PC_TO_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/leakguard.pc.in ${PROJECT_BINARY_DIR}/leakguard.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/leakguard.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
