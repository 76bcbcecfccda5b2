// An inline function in a header, instrumented in every TU that includes it.
#pragma once
#include <yams/yams.hpp>

[[yams::profile("shared helper")]] inline int shared_helper(int v) { return v + 7; }
int first_tu(int v);
int second_tu(int v);
