# `cmake --install`: the headers, yams::runtime (libyams_runtime.a), the `yams` tool, the built web panel
# and the CMake package (find_package(yams CONFIG) -> yams::runtime, yams_profile()). The Clang plugin
# installs itself (clang-plugin/CMakeLists.txt) to ${CMAKE_INSTALL_LIBDIR}; the package finds it there.
include(CMakePackageConfigHelpers)

set(YAMS_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/yams" CACHE STRING
    "Where the installed CMake package goes, relative to the prefix")

set_target_properties(yams_annotations PROPERTIES EXPORT_NAME annotations)
set_target_properties(yams_runtime PROPERTIES EXPORT_NAME runtime)
install(TARGETS yams_annotations yams_runtime EXPORT yamsTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/annotations/include/yams DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT yamsTargets NAMESPACE yams:: DESTINATION ${YAMS_INSTALL_CMAKEDIR} FILE yamsTargets.cmake)

if(TARGET yams_tool)
  install(TARGETS yams_tool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(YAMS_BUILD_PANEL)
  # The server looks here when no panel_dir, $YAMS_PANEL_DIR or build-tree panel is found.
  install(DIRECTORY ${PROJECT_BINARY_DIR}/web-panel/dist/ DESTINATION ${CMAKE_INSTALL_DATADIR}/yams/panel OPTIONAL)
endif()

# What the static library's link interface names, so the package can find it for its users.
set(YAMS_PACKAGE_DEPENDENCIES "Threads;nlohmann_json")
if(YAMS_BUILD_SERVER)
  list(APPEND YAMS_PACKAGE_DEPENDENCIES Boost)
endif()
set(YAMS_PACKAGE_PLUGIN "")
if(TARGET yams_clang_plugin)
  set(YAMS_PACKAGE_PLUGIN "${CMAKE_INSTALL_LIBDIR}/yams-clang-plugin.so")
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/yamsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/yamsConfig.cmake
  INSTALL_DESTINATION ${YAMS_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/yamsConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/yamsConfig.cmake
  ${PROJECT_BINARY_DIR}/yamsConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/YamsProfile.cmake
  DESTINATION ${YAMS_INSTALL_CMAKEDIR})
