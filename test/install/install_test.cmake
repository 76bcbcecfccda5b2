# cmake -P script: installs the YAMS build into a fresh prefix, copies the consumer project out of the
# source tree, then configures, builds and runs it against the package with YAMS_PROFILE=ON (when the
# plugin was built) and OFF, checking what it records. Values come from params.cmake (written by CMake).
include(${PARAMS})

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix)
foreach(f include/yams/yams.hpp include/yams/session.hpp lib/libyams_runtime.a lib/cmake/yams/yamsConfig.cmake
          lib/cmake/yams/YamsProfile.cmake ${EXPECT_FILES})
  if(NOT EXISTS ${WORK}/prefix/${f})
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()
file(COPY ${CONSUMER}/ DESTINATION ${WORK}/consumer)

set(modes OFF)
if(WITH_PLUGIN)
  list(APPEND modes ON)
endif()
foreach(mode IN LISTS modes)
  set(build ${WORK}/build-${mode})
  run("configure the consumer (YAMS_PROFILE=${mode})" ${CMAKE_COMMAND} -S ${WORK}/consumer -B ${build}
      -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
      "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
      -DCMAKE_PREFIX_PATH=${WORK}/prefix -DYAMS_PROFILE=${mode})
  run("build the consumer (YAMS_PROFILE=${mode})" ${CMAKE_COMMAND} --build ${build})
  run("run the consumer (YAMS_PROFILE=${mode})" ${build}/consumer ${WORK}/session-${mode}.jsonl)
  message(STATUS "YAMS_PROFILE=${mode}: ${last_output}")
  if(mode STREQUAL "ON")
    set(want "frames 5 written 5 work_calls 10 ")
  else()
    set(want "frames 0 written 0 work_calls 0 ")
  endif()
  string(FIND "${last_output}" "${want}" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "YAMS_PROFILE=${mode}: the consumer printed '${last_output}', expected '${want}...'")
  endif()
endforeach()
