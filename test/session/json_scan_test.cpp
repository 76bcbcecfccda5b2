// detail::json_value_end_finder and json_value_end (runtime/src/session/json_scan.hpp), shared by the
// session reader's byte cursor (a file in blocks) and `yams record` (a message whole): a value ends at
// the same byte whether its text comes whole, in two pieces split anywhere or a byte at a time.
#include "session/json_scan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace yams::test {
namespace {

// Values and what may follow them in a document.
const std::vector<std::string> values = {
    "0", "-1.5e3", "true", "null", R"("")", R"("a,b]} :")", R"("say \"hi\", \\")", R"("\\")",
    "[]", "{}", "[[],[{}]]", R"({"a":[1,{"b":"}]"}],"c":null})", R"([1, "x", {"k": [true, false]}])"};
const std::vector<std::string> followers = {"", ",", "]", "}", " ", "\n", ":", ", 2]"};

std::size_t end_in_pieces(std::string_view text, const std::vector<std::size_t>& cuts) {
  detail::json_value_end_finder finder;
  std::size_t from = 0, end = 0;
  for (std::size_t i = 0; i <= cuts.size() && !finder.done(); ++i) {
    const std::size_t to = i < cuts.size() ? cuts[i] : text.size();
    end = from + finder.scan(text.substr(from, to - from));
    from = to;
  }
  return end;
}

TEST(JsonValueEnd, EndsRightAfterTheValueWhateverFollows) {
  for (const std::string& v : values)
    for (const std::string& f : followers) {
      const std::string text = "  " + v + f;
      EXPECT_EQ(detail::json_value_end(text, 0), 2 + v.size()) << text;
      EXPECT_EQ(detail::json_value_end(text, 1), 2 + v.size()) << text;
    }
}

TEST(JsonValueEnd, PiecesSplitAnywhereEndAtTheSameByte) {
  for (const std::string& v : values)
    for (const std::string& f : {std::string(), std::string(",1]")}) {
      const std::string text = v + f;
      for (std::size_t cut = 0; cut <= text.size(); ++cut)
        EXPECT_EQ(end_in_pieces(text, {cut}), v.size()) << text << " cut at " << cut;
      std::vector<std::size_t> bytes;
      for (std::size_t i = 1; i < text.size(); ++i) bytes.push_back(i);
      EXPECT_EQ(end_in_pieces(text, bytes), v.size()) << text << " a byte at a time";
    }
}

TEST(JsonValueEnd, AValueCutShortIsNotDone) {
  detail::json_value_end_finder finder;
  EXPECT_EQ(finder.scan(R"({"a":[1,)"), 8u);
  EXPECT_FALSE(finder.done());
  EXPECT_EQ(finder.scan(R"("\)"), 2u);  // inside a string, after an escape
  EXPECT_FALSE(finder.done());
  EXPECT_EQ(finder.scan(R"("]"]} tail)"), 5u);
  EXPECT_TRUE(finder.done());
  EXPECT_EQ(detail::json_value_end(R"(  {"open": [)", 0), 12u) << "the text's end when it does not end";
}

}  // namespace
}  // namespace yams::test
