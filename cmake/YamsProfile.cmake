# yams_profile(<target>): instrument a target's [[yams::profile]] / [[yams::frame]] functions.
#
# With the option YAMS_PROFILE ON (and the plugin built), the target is compiled by clang 19 with
# -fplugin=yams-clang-plugin.so and YAMS_PROFILE_ON=1, and its objects rebuild when the plugin changes.
# Otherwise the attributes stay in the code, inert and warning-free (clang and g++).
# Either way the target links yams::runtime (nothing of it is referenced without the plugin).
# Call it after the target's sources are added. Attribute grammar: docs/attributes.md.
#
# ccache: ccache (4.7 on Debian 12) hashes the file named by -fplugin=, so a changed plugin is a cache
# miss, not a stale object; no special handling is needed.
include_guard(GLOBAL)

function(yams_profile target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "yams_profile(${target}): no such target")
  endif()
  target_link_libraries(${target} PRIVATE yams::runtime)
  if(YAMS_PROFILE AND TARGET yams_clang_plugin)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR
       NOT CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 19 OR
       CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 20)
      message(FATAL_ERROR
        "yams_profile(${target}): YAMS_PROFILE=ON needs clang 19 to load the YAMS plugin, but the "
        "C++ compiler is ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}. Configure with "
        "-DCMAKE_CXX_COMPILER=clang++-19, or with -DYAMS_PROFILE=OFF to build without probes.")
    endif()
    target_compile_options(${target} PRIVATE
      "$<$<COMPILE_LANGUAGE:CXX>:-fplugin=$<TARGET_FILE:yams_clang_plugin>>"
      "$<$<COMPILE_LANGUAGE:CXX>:-Wno-c++23-lambda-attributes>")
    target_compile_definitions(${target} PRIVATE YAMS_PROFILE_ON=1)
    add_dependencies(${target} yams_clang_plugin)
    get_target_property(plugin_file yams_clang_plugin YAMS_PLUGIN_FILE)
    get_target_property(sources ${target} SOURCES)
    if(sources)
      set_property(SOURCE ${sources} TARGET_DIRECTORY ${target} APPEND PROPERTY
        OBJECT_DEPENDS "${plugin_file}")
    endif()
  elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE
      "$<$<COMPILE_LANGUAGE:CXX>:-Wno-unknown-attributes;-Wno-c++23-lambda-attributes>")
  elseif(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE "$<$<COMPILE_LANGUAGE:CXX>:-Wno-attributes=yams::>")
  endif()
endfunction()
