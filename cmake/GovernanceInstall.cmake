include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS governance EXPORT governanceTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS mgov RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/governance DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT governanceTargets
  NAMESPACE governance::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/governance)
configure_package_config_file(cmake/governanceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/governanceConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/governance)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/governanceConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/governanceConfig.cmake
  ${PROJECT_BINARY_DIR}/governanceConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/governance)
