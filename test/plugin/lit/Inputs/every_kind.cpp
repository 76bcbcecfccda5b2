// One annotated function of every kind the plugin instruments, all used, so that every one of them
// is emitted. Shared by the identical-object and g++ tests.
#include <yams/yams.hpp>

#include <cstdint>
#include <string>

namespace game {

enum class Team { red, blue };

[[yams::profile("free {n}", "lua_code")]] int free_function(int n) { return n + 1; }

[[yams::profile("declared first")]] int declared_first(int v);
int declared_first(int v) { return v * 2; }

struct Engine {
  [[yams::profile("Engine()")]] explicit Engine(int n) : n_(n) {}
  [[yams::profile("~Engine")]] virtual ~Engine() { n_ = 0; }
  [[yams::frame("Frame")]] void update(double dt) { do_update(dt); }
  [[yams::frame("Frame", "number=frames_")]] void step(double dt) { ++frames_; do_update(dt); }
  [[yams::frame("Frame", "number=number")]] void run(std::uint64_t number) { do_update(number); }
  [[yams::profile("Frame Update")]] void do_update(double dt);
  [[yams::profile("make")]] static int make(int v) { return v; }
  [[yams::profile("virtual")]] virtual int tick(int v) { return v + n_; }
  int n_;
  std::uint64_t frames_ = 0;
};
void Engine::do_update(double dt) { n_ += dt > 0 ? 1 : 0; }

struct Derived final : Engine {
  Derived() : Engine(1) {}
  [[yams::profile("override")]] int tick(int v) override { return v - n_; }
};

template <class T> [[yams::profile("twice", "args=v")]] T twice(T v) { return v + v; }
template <> [[yams::profile("twice int")]] int twice<int>(int v) { return v << 1; }

template <class T> struct Pool {
  [[yams::profile("Pool::grow")]] int grow(int by) { return by * static_cast<int>(sizeof(T)); }
};

[[yams::profile("try")]] int guarded(int v) try {
  if (v < 0)
    throw v;
  return v;
} catch (int e) {
  return -e;
}

[[yams::profile("early")]] int early(int v) {
  if (v > 10)
    return 10;
  for (int i = 0; i < v; ++i)
    if (i * i > v)
      return i;
  return v;
}

[[yams::profile("fib {n}")]] int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

[[yams::profile("quiet")]] int quiet(int v) noexcept { return v * 3; }

[[yams::profile("square")]] constexpr int square(int v) { return v * v; }
static_assert(square(5) == 25);

[[yams::profile("ams.set_vy", "module=lua_api", "lua_callback", "args=entity_id,vy")]]
inline double set_vy(const std::string &entity_id, double vy) { return vy + entity_id.size(); }

[[yams::profile("team {t}")]] int team(Team t, const char *name) { return name[0] + static_cast<int>(t); }

int use_everything(int v) {
  Engine e(v);
  Derived d;
  Engine &base = d;
  e.update(0.016);
  e.step(0.016);
  e.run(7);
  auto plain = [] [[yams::profile("lambda")]] (int x) { return x + 1; };
  auto generic = [] [[yams::profile("generic lambda", "args=x")]] (auto x) { return x + 1; };
  Pool<char> pc;
  Pool<double> pd;
  return free_function(v) + declared_first(v) + Engine::make(v) + base.tick(v) + d.tick(v) +
         twice(v) + static_cast<int>(twice(1.5)) + pc.grow(v) + pd.grow(v) + guarded(v) +
         early(v) + fib(v) + quiet(v) + square(v) + static_cast<int>(set_vy("duck_42", 1.0)) +
         team(Team::blue, "b") + plain(v) + generic(v) + static_cast<int>(generic(2.0));
}

} // namespace game
