# Runs `npm ci` in the panel folder unless node_modules already matches package-lock.json (the same
# stamp tools/setup writes), then touches STAMP. Arguments: PANEL_DIR, NPM, STAMP.
file(SHA256 "${PANEL_DIR}/package-lock.json" want)
set(lock_stamp "${PANEL_DIR}/node_modules/.yams-lock-sha256")
set(have "")
if(EXISTS "${lock_stamp}")
  file(READ "${lock_stamp}" have)
  string(STRIP "${have}" have)
endif()
if(NOT have STREQUAL want)
  message(STATUS "Web panel: npm ci in ${PANEL_DIR}")
  execute_process(COMMAND "${NPM}" ci --no-audit --no-fund WORKING_DIRECTORY "${PANEL_DIR}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed in ${PANEL_DIR} (exit ${rc})")
  endif()
  file(WRITE "${lock_stamp}" "${want}\n")
endif()
file(TOUCH "${STAMP}")
