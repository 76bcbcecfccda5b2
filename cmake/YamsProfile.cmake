# yams_profile(<target>): instrument a target's [[yams::profile]] functions with the Clang plugin
# (filled in with the plugin issue).
function(yams_profile target)
  target_link_libraries(${target} PRIVATE yams::runtime)
endfunction()
