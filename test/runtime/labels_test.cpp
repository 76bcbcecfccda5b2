// Captured values (runtime/src/labels.cpp): `{name}` placeholders, `args`, `entity_id` and every
// capturable kind, recorded through real zones.
#include "labels.hpp"
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace {

class Labels : public yams::test::profiling_on {};

enum class color : int { red = 1, green = 2 };

constexpr yams::arg_desc set_vy_args[] = {{"entity_id", yams::arg_in_args | yams::arg_entity_id},
                                          {"vy", yams::arg_in_args}};
constexpr yams::site set_vy_site{"ams.set_vy", "lua_api", "set_vy", __FILE__, __LINE__,
                                 yams::site_lua_callback, set_vy_args, 2};

constexpr yams::arg_desc update_args[] = {{"entity", yams::arg_entity_id}};
constexpr yams::site update_site{"Lua \xE2\x86\x92 on_update({entity})", "lifecycle", "on_entity_update",
                                 __FILE__, __LINE__, yams::site_lua_code, update_args, 1};

constexpr yams::arg_desc kinds_args[] = {
    {"i", yams::arg_in_args}, {"u", yams::arg_in_args}, {"d", yams::arg_in_args}, {"b", yams::arg_in_args},
    {"e", yams::arg_in_args}, {"s", yams::arg_in_args}, {"c", yams::arg_in_args}};
constexpr yams::site kinds_site{"i={i} u={u} d={d} b={b} e={e} s={s} c={c} {unknown} {", "test", "kinds",
                                __FILE__, __LINE__, 0, kinds_args, 7};

constexpr yams::arg_desc text_args[] = {{"text", yams::arg_in_args}};
constexpr yams::site text_site{"{text}", "test", "text", __FILE__, __LINE__, 0, text_args, 1};

yams::FrameProfile record_text(const std::string& s) {
  yams::begin_frame(1);
  { yams::zone z(&text_site, s); }
  return *yams::end_frame();
}

TEST_F(Labels, LuaCallbackArgsAndEntityId) {
  yams::begin_frame(1);
  {
    yams::zone z(&update_site, std::string("duck_42"));
    yams::zone api(&set_vy_site, "duck_42", 533.7);
  }
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 2u);
  const auto& u = f->calls[0];
  EXPECT_EQ(u.label, "Lua \xE2\x86\x92 on_update(duck_42)");
  EXPECT_EQ(u.entity_id, "duck_42");
  EXPECT_TRUE(u.lua_code);
  EXPECT_FALSE(u.lua_callback);
  EXPECT_TRUE(u.args.empty());  // captured for the label and entity_id only
  const auto& a = f->calls[1];
  EXPECT_EQ(a.label, "ams.set_vy");
  EXPECT_TRUE(a.lua_callback);
  EXPECT_EQ(a.entity_id, "duck_42");
  ASSERT_EQ(a.args.size(), 2u);
  EXPECT_EQ(a.args[0].first, "entity_id");
  EXPECT_EQ(a.args[0].second, yams::arg_value(std::string("duck_42")));
  EXPECT_EQ(a.args[1].first, "vy");
  EXPECT_EQ(a.args[1].second, yams::arg_value(533.7));
  EXPECT_EQ(a.parent_id, u.id);
}

TEST_F(Labels, EveryCapturableKind) {
  const char* cstr = "hello";
  yams::begin_frame(1);
  { yams::zone z(&kinds_site, -5, 7u, 0.25, true, color::green, cstr, std::string_view("sv")); }
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 1u);
  const auto& c = f->calls[0];
  EXPECT_EQ(c.label, "i=-5 u=7 d=0.25 b=true e=2 s=hello c=sv {unknown} {");
  ASSERT_EQ(c.args.size(), 7u);
  EXPECT_EQ(c.args[0].second, yams::arg_value(std::int64_t{-5}));
  EXPECT_EQ(c.args[1].second, yams::arg_value(std::int64_t{7}));
  EXPECT_EQ(c.args[2].second, yams::arg_value(0.25));
  EXPECT_EQ(c.args[3].second, yams::arg_value(true));
  EXPECT_EQ(c.args[4].second, yams::arg_value(std::int64_t{2}));
  EXPECT_EQ(c.args[5].second, yams::arg_value(std::string("hello")));
  EXPECT_EQ(c.args[6].second, yams::arg_value(std::string("sv")));
}

// A float shows the shortest decimal that reads back to it, in its label and in args (as the double
// nearest that decimal, which the JSON writer writes as the same text), not its widening to double.
TEST_F(Labels, AFloatIsItsShortestDecimal) {
  static constexpr yams::arg_desc args[] = {{"x", yams::arg_in_args}, {"d", yams::arg_in_args}};
  static constexpr yams::site s{"x={x} d={d}", "test", "floats", __FILE__, __LINE__, 0, args, 2};
  yams::begin_frame(1);
  { yams::zone z(&s, 0.1f, static_cast<double>(0.1f)); }
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 1u);
  const auto& c = f->calls[0];
  EXPECT_EQ(c.label, "x=0.1 d=0.10000000149011612") << "a double keeps its own digits";
  EXPECT_EQ(c.args.at(0).second, yams::arg_value(0.1));
  EXPECT_EQ(c.args.at(1).second, yams::arg_value(static_cast<double>(0.1f)));
  const std::string json = yams::to_json(*f);
  EXPECT_NE(json.find(R"("args":{"x":0.1,"d":0.10000000149011612})"), std::string::npos) << json;
  EXPECT_EQ(yams::frame_from_json(json).calls.at(0).args.at(0).second, yams::arg_value(0.1));
  EXPECT_EQ(yams::frame_from_compact_json(yams::to_compact_json(*f)).calls.at(0).args.at(0).second,
            yams::arg_value(0.1));
}

TEST_F(Labels, FloatEdgeCases) {
  static constexpr yams::arg_desc args[] = {{"x", yams::arg_in_args | yams::arg_entity_id}};
  static constexpr yams::site s{"{x}", "test", "float", __FILE__, __LINE__, 0, args, 1};
  constexpr float inf = std::numeric_limits<float>::infinity();
  struct expected {
    float in;
    const char* label;  // also the entity id
    double arg;
    const char* json;  // the args object
  };
  const expected cases[] = {
      {-0.1f, "-0.1", -0.1, R"({"x":-0.1})"},
      {1e-45f, "1e-45", 1e-45, R"({"x":1e-45})"},  // the smallest denormal
      {1.17549435e-38f, "1.1754944e-38", 1.1754944e-38, R"({"x":1.1754944e-38})"},
      {3.4e38f, "3.4e+38", 3.4e38, R"({"x":3.4e+38})"},
      {std::numeric_limits<float>::max(), "3.4028235e+38", 3.4028235e38, R"({"x":3.4028235e+38})"},
      {16777216.0f, "16777216", 16777216.0, R"({"x":16777216.0})"},
      {1.5f, "1.5", 1.5, R"({"x":1.5})"},
      {-0.0f, "-0", -0.0, R"({"x":-0.0})"},
      {inf, "inf", std::numeric_limits<double>::infinity(), R"({"x":null})"},
      {-inf, "-inf", -std::numeric_limits<double>::infinity(), R"({"x":null})"},
  };
  for (const expected& e : cases) {
    yams::begin_frame(1);
    { yams::zone z(&s, e.in); }
    auto f = yams::end_frame();
    ASSERT_EQ(f->calls.size(), 1u);
    const auto& c = f->calls[0];
    EXPECT_EQ(c.label, e.label);
    EXPECT_EQ(c.entity_id, e.label);
    EXPECT_EQ(c.args.at(0).second, yams::arg_value(e.arg)) << e.label;
    EXPECT_EQ(std::signbit(std::get<double>(c.args.at(0).second)), std::signbit(e.in)) << e.label;
    EXPECT_NE(yams::to_json(*f).find(std::string("\"args\":") + e.json), std::string::npos) << e.label;
  }
  // NaN as a double NaN is: "nan" in a label, NaN in args (null in JSON).
  yams::begin_frame(1);
  { yams::zone z(&s, std::numeric_limits<float>::quiet_NaN()); }
  { yams::zone z(&s, std::numeric_limits<double>::quiet_NaN()); }
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 2u);
  for (const auto& c : f->calls) {
    EXPECT_EQ(c.label, "nan");
    EXPECT_TRUE(std::isnan(std::get<double>(c.args.at(0).second)));
  }
  EXPECT_NE(yams::to_json(*f).find(R"("args":{"x":null})"), std::string::npos);
}

TEST_F(Labels, EntityIdFromANumber) {
  static constexpr yams::arg_desc args[] = {{"id", yams::arg_entity_id}};
  static constexpr yams::site s{"Entity", "test", "entity", __FILE__, __LINE__, 0, args, 1};
  yams::begin_frame(1);
  { yams::zone z(&s, 1234); }
  auto f = yams::end_frame();
  EXPECT_EQ(f->calls.at(0).entity_id, "1234");
}

// A captured `const yams::script_source*` makes the call's file and line the script's (the panel's
// source view then opens the script); it is not an arg. A null one keeps the site's.
TEST_F(Labels, AScriptSourceIsTheCallsFileAndLine) {
  static constexpr yams::arg_desc args[] = {{"entity", yams::arg_entity_id}, {"script", yams::arg_in_args}};
  static constexpr yams::site s{"on_update({entity})", "lifecycle", "on_entity_update", "/src/lifecycle.cpp", 13,
                                yams::site_lua_code, args, 2};
  static const yams::script_source duck{"/game/scripts/behaviours/duck.lua", 12};
  yams::begin_frame(1);
  { yams::zone z(&s, std::string("duck_7"), &duck); }
  { yams::zone z(&s, std::string("duck_8"), static_cast<const yams::script_source*>(nullptr)); }
  auto f = yams::end_frame();
  ASSERT_EQ(f->calls.size(), 2u);
  const auto& c = f->calls[0];
  EXPECT_EQ(c.label, "on_update(duck_7)");
  EXPECT_EQ(c.entity_id, "duck_7");
  EXPECT_EQ(c.file, "/game/scripts/behaviours/duck.lua");
  EXPECT_EQ(c.line, 12u);
  EXPECT_EQ(c.func, "on_entity_update");
  EXPECT_TRUE(c.args.empty());
  EXPECT_EQ(f->calls[1].file, "/src/lifecycle.cpp");
  EXPECT_EQ(f->calls[1].line, 13u);
  // The frame's JSON and its compact form carry the script's file and line.
  EXPECT_EQ(yams::frame_from_json(yams::to_json(*f)).calls[0].file, "/game/scripts/behaviours/duck.lua");
  const yams::FrameProfile compact = yams::frame_from_compact_json(yams::to_compact_json(*f));
  EXPECT_EQ(compact.calls[0].line, 12u);
  EXPECT_EQ(compact.calls[1].line, 13u);
}

TEST_F(Labels, ShortLongAndEmptyStrings) {
  for (const std::string s : {std::string(), std::string("abc"), std::string(8, 'x'), std::string(9, 'y'),
                              std::string(100, 'z'), std::string(256, 'w')}) {
    auto f = record_text(s);
    ASSERT_EQ(f.calls.size(), 1u);
    EXPECT_EQ(f.calls[0].label, s);
    EXPECT_EQ(f.calls[0].args.at(0).second, yams::arg_value(s)) << s.size();
  }
}

TEST_F(Labels, LongStringsAreTruncated) {
  std::string s;
  for (int i = 0; i < 300; ++i) s += static_cast<char>('a' + i % 26);
  auto f = record_text(s);
  EXPECT_EQ(f.calls.at(0).args.at(0).second, yams::arg_value(s.substr(0, yams::detail::max_captured_string)));
  EXPECT_EQ(f.calls[0].label, s.substr(0, yams::detail::max_captured_string) + "\xE2\x80\xA6");
}

TEST_F(Labels, TruncationKeepsUtf8Whole) {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "\xE2\x82\xAC";  // euro signs, 3 bytes each
  auto f = record_text(s);
  EXPECT_EQ(f.calls.at(0).args.at(0).second, yams::arg_value(s.substr(0, 255)));
}

TEST(LabelParsing, PlaceholdersNameCapturedArguments) {
  const std::vector<std::string> names{"a", "b_2"};
  auto p = yams::detail::parse_label("x{a}y{b_2}{c}{}{a", names);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].text, "x");
  EXPECT_EQ(p[1].arg, 0);
  EXPECT_EQ(p[2].text, "y");
  EXPECT_EQ(p[3].arg, 1);
  EXPECT_EQ(p[4].text, "{c}{}{a");
  EXPECT_EQ(p[4].arg, -1);
  auto plain = yams::detail::parse_label("Plain", names);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].text, "Plain");
}

}  // namespace
