// `yams report`: statistics over a session file read a frame at a time (see report.hpp). Percentiles use
// the nearest-rank method: the p-th percentile of n sorted frame times is the ceil(p * n / 100)-th smallest.
#include "report.hpp"

#include "call_tree.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>
#include <unordered_map>

namespace yams::tool {
namespace {

using nlohmann::ordered_json;

double nearest_rank(const std::vector<double>& sorted, unsigned percent) {
  if (sorted.empty()) return 0.0;
  std::size_t rank = (static_cast<std::size_t>(percent) * sorted.size() + 99) / 100;
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

struct site_stats {
  std::string module, func, file;
  std::uint32_t line = 0;
  std::string label;
  bool one_label = true;
  std::size_t calls = 0;
  double self_ms = 0, total_ms = 0;
};

struct entity_stats {
  std::size_t calls = 0;
  double total_ms = 0;
};

std::string site_key(const CallNode& c) {
  return c.module + '\x1f' + c.func + '\x1f' + c.file + '\x1f' + std::to_string(c.line);
}

// Adds one frame's calls to the site and entity figures, walking the call tree depth first so that a
// call's total time is counted only when no open ancestor has its site (or its entity): linear in the
// number of calls however deep the tree.
void add_frame(const FrameProfile& f, const call_tree& t, std::unordered_map<std::string, site_stats>& sites,
               std::map<std::string, entity_stats>& entities) {
  std::vector<std::string> keys(f.calls.size());
  std::unordered_map<std::string, std::size_t> open_sites, open_entities;  // calls open above the current one
  struct visit {
    std::size_t call;
    bool leaving;
  };
  std::vector<visit> stack;
  for (auto it = t.roots.rbegin(); it != t.roots.rend(); ++it) stack.push_back({*it, false});
  while (!stack.empty()) {
    const auto [i, leaving] = stack.back();
    stack.pop_back();
    const CallNode& c = f.calls[i];
    if (leaving) {
      --open_sites[keys[i]];
      if (c.entity_id) --open_entities[*c.entity_id];
      continue;
    }
    keys[i] = site_key(c);
    site_stats& s = sites[keys[i]];
    if (s.calls == 0) {
      s.module = c.module, s.func = c.func, s.file = c.file, s.line = c.line, s.label = c.label;
    } else if (s.label != c.label) {
      s.one_label = false;
    }
    ++s.calls;
    s.self_ms += t.self_ms[i];
    if (open_sites[keys[i]]++ == 0) s.total_ms += c.duration;
    if (c.entity_id) {
      entity_stats& e = entities[*c.entity_id];
      ++e.calls;
      if (open_entities[*c.entity_id]++ == 0) e.total_ms += c.duration;
    }
    stack.push_back({i, true});
    for (auto ch = t.children[i].rbegin(); ch != t.children[i].rend(); ++ch) stack.push_back({*ch, false});
  }
}

ordered_json site_json(const site_stats& s) {
  return {{"site", s.one_label ? s.label : s.module + "." + s.func},
          {"module", s.module}, {"func", s.func}, {"file", s.file}, {"line", s.line},
          {"calls", s.calls}, {"self_ms", s.self_ms}, {"total_ms", s.total_ms}};
}

// Sites by descending `by`; ties by module, function, file, line.
ordered_json top_sites(const std::unordered_map<std::string, site_stats>& sites, double site_stats::*by,
                       std::size_t n) {
  std::vector<const site_stats*> v;
  for (const auto& [k, s] : sites) v.push_back(&s);
  std::sort(v.begin(), v.end(), [&](const site_stats* a, const site_stats* b) {
    if (a->*by != b->*by) return a->*by > b->*by;
    return std::tie(a->module, a->func, a->file, a->line) < std::tie(b->module, b->func, b->file, b->line);
  });
  ordered_json out = ordered_json::array();
  for (std::size_t i = 0; i < v.size() && i < n; ++i) out.push_back(site_json(*v[i]));
  return out;
}

// Entities by descending total time; ties by id.
ordered_json top_entities(const std::map<std::string, entity_stats>& entities, std::size_t n) {
  std::vector<std::pair<std::string, entity_stats>> v(entities.begin(), entities.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second.total_ms != b.second.total_ms ? a.second.total_ms > b.second.total_ms : a.first < b.first;
  });
  ordered_json out = ordered_json::array();
  for (std::size_t i = 0; i < v.size() && i < n; ++i)
    out.push_back({{"entity_id", v[i].first}, {"calls", v[i].second.calls}, {"total_ms", v[i].second.total_ms}});
  return out;
}

struct rollback_stats {
  std::size_t count = 0;
  long long resim_total = 0;
  int resim_max = 0;
  double age_total = 0, age_max = 0;

  void add(const FrameProfile& f) {
    if (!f.rollback) return;
    ++count;
    resim_total += f.rollback->frames_resimulated;
    resim_max = std::max(resim_max, f.rollback->frames_resimulated);
    age_total += f.rollback->snapshot_age_ms;
    age_max = std::max(age_max, f.rollback->snapshot_age_ms);
  }
  ordered_json json() const {
    const double n = count ? static_cast<double>(count) : 1.0;
    return {{"count", count},
            {"frames_resimulated", {{"total", resim_total}, {"mean", resim_total / n}, {"max", resim_max}}},
            {"snapshot_age_ms", {{"mean", age_total / n}, {"max", age_max}}}};
  }
};

// The heaviest path of a frame: from its longest root call down through the longest child each time.
ordered_json heaviest_path(const FrameProfile& f, const call_tree& t) {
  ordered_json path = ordered_json::array();
  const std::vector<std::size_t>* level = &t.roots;
  while (!level->empty()) {
    std::size_t best = level->front();
    for (std::size_t i : *level)
      if (f.calls[i].duration > f.calls[best].duration) best = i;
    path.push_back({{"label", f.calls[best].label}, {"duration_ms", f.calls[best].duration},
                    {"self_ms", t.self_ms[best]}});
    level = &t.children[best];
  }
  return path;
}

// The `n` longest frames (ties: lower frame number first, then file order) with their heaviest paths,
// kept as the frames go by: memory for n paths, not for every frame.
class worst_frames {
 public:
  explicit worst_frames(std::size_t n) : n_(n) {}
  void add(const FrameProfile& f, std::size_t index, const call_tree& t) {
    candidate c{f.duration_ms, f.frame, index, f.rollback.has_value(), {}};
    if (n_ == 0 || (kept_.size() == n_ && !ranks_before(c, kept_.front()))) return;
    c.path = heaviest_path(f, t);
    kept_.push_back(std::move(c));
    std::push_heap(kept_.begin(), kept_.end(), ranks_before);
    if (kept_.size() > n_) {
      std::pop_heap(kept_.begin(), kept_.end(), ranks_before);
      kept_.pop_back();
    }
  }
  ordered_json json() {
    std::sort(kept_.begin(), kept_.end(), ranks_before);
    ordered_json out = ordered_json::array();
    for (candidate& c : kept_)
      out.push_back({{"frame", c.frame}, {"duration_ms", c.duration_ms}, {"rollback", c.rollback},
                     {"path", std::move(c.path)}});
    return out;
  }

 private:
  struct candidate {
    double duration_ms;
    std::uint64_t frame;
    std::size_t index;  // in the file
    bool rollback;
    ordered_json path;
  };
  static bool ranks_before(const candidate& a, const candidate& b) {
    return std::tie(b.duration_ms, a.frame, a.index) < std::tie(a.duration_ms, b.frame, b.index);
  }
  std::size_t n_;
  std::vector<candidate> kept_;  // the worst frames so far, a heap: in front, the one that ranks last
};

// Frame times: every frame's duration (8 bytes a frame) for the percentiles, and the sums in file order.
struct frame_time_stats {
  std::vector<double> durations;
  double sum = 0;
  std::size_t over = 0;

  void add(const FrameProfile& f, double budget_ms) {
    durations.push_back(f.duration_ms);
    sum += f.duration_ms;
    if (f.duration_ms > budget_ms) ++over;
  }
  ordered_json json() {
    std::vector<double>& d = durations;
    std::sort(d.begin(), d.end());
    const double n = d.empty() ? 1.0 : static_cast<double>(d.size());
    return {{"p50", nearest_rank(d, 50)}, {"p90", nearest_rank(d, 90)}, {"p99", nearest_rank(d, 99)},
            {"max", d.empty() ? 0.0 : d.back()}, {"mean", sum / n},
            {"over_budget", over}, {"over_budget_percent", 100.0 * over / n}};
  }
};

}  // namespace

ordered_json make_report(session_reader& in, const std::string& file, const report_options& opt) {
  std::unordered_map<std::string, site_stats> sites;
  std::map<std::string, entity_stats> entities;
  frame_time_stats times;
  rollback_stats rollbacks;
  worst_frames worst(opt.worst);
  std::size_t calls = 0;
  std::uint64_t overflow = 0;
  std::uint64_t frames_lost = 0;
  std::uint64_t skipping[std::size(zone_kind_names)] = {};  // frames that left each kind out
  for (FrameProfile f; in.next(f);) {
    const call_tree t = build_call_tree(f);
    add_frame(f, t, sites, entities);
    times.add(f, opt.budget_ms);
    rollbacks.add(f);
    worst.add(f, in.frames_read(), t);
    calls += f.calls.size();
    overflow += f.overflow;
    frames_lost += f.frames_lost;
    for (std::size_t k = 0; k < std::size(zone_kind_names); ++k)
      if (f.skipped_kinds & zone_kind_names[k].first) ++skipping[k];
  }
  frames_lost += in.frames_lost_at_end();  // after the last frame in the file
  ordered_json kinds_not_recorded = ordered_json::object();
  for (std::size_t k = 0; k < std::size(zone_kind_names); ++k)
    if (skipping[k] != 0) kinds_not_recorded[std::string(zone_kind_names[k].second)] = skipping[k];
  return {{"file", file},
          {"session_id", in.info().session_id},
          {"frames", in.frames_read()},
          {"calls", calls},
          {"calls_not_recorded", overflow},
          {"frames_lost", frames_lost},
          {"kinds_not_recorded", kinds_not_recorded},
          {"budget_ms", opt.budget_ms},
          {"frame_time_ms", times.json()},
          {"top_self", top_sites(sites, &site_stats::self_ms, opt.top)},
          {"top_total", top_sites(sites, &site_stats::total_ms, opt.top)},
          {"top_entities", top_entities(entities, opt.top)},
          {"rollback", rollbacks.json()},
          {"worst_frames", worst.json()},
          {"warnings", in.warnings()}};
}

}  // namespace yams::tool
