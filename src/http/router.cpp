#include "switchboard/http/router.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>
#include <stdexcept>

namespace switchboard::http {
namespace {

// At most this many segments are matched; longer paths match no route.
constexpr std::size_t max_segments = 16;
using segment_list = boost::container::small_vector<std::string_view, max_segments>;
// The bucket of routes whose first segment is a parameter.
constexpr std::string_view param_bucket = "{}";

segment_list split_path(std::string_view path) {
  segment_list out;
  std::size_t i = 1;  // skip the leading '/'
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_param(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

std::optional<std::string> decode_segment(std::string_view s) {
  auto pct = boost::urls::make_pct_string_view(s);
  if (!pct) return std::nullopt;
  auto decoded = **pct;
  return std::string(decoded.begin(), decoded.end());
}

bool same_shape(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (is_param(a[i]) != is_param(b[i]) || (!is_param(a[i]) && a[i] != b[i])) return false;
  return true;
}

// Number of parameter segments when the path matches, or -1.
int match_path(const route& r, const segment_list& parts,
               std::unordered_map<std::string, std::string>* params) {
  if (r.segments.size() != parts.size()) return -1;
  int n = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = r.segments[i];
    if (is_param(seg)) {
      if (parts[i].empty()) return -1;
      ++n;
      if (params) {
        auto value = decode_segment(parts[i]);
        if (!value) return -1;
        (*params)[seg.substr(1, seg.size() - 2)] = std::move(*value);
      }
    } else if (seg != parts[i]) {
      return -1;
    }
  }
  return n;
}

}  // namespace

void router::insert(route r) {
  if (r.path_template.empty() || r.path_template.front() != '/')
    throw std::invalid_argument("route template must start with '/': " + r.path_template);
  for (auto s : split_path(r.path_template)) r.segments.emplace_back(s);
  for (auto& existing : routes_)
    if (existing.method == r.method && same_shape(existing.segments, r.segments))
      throw std::invalid_argument("duplicate route: " + r.method + " " + r.path_template);
  if (r.segments.size() > max_segments)
    throw std::invalid_argument("route template has too many segments: " + r.path_template);
  buckets_[{r.segments.size(), std::string(is_param(r.segments[0]) ? param_bucket : r.segments[0])}]
      .push_back(routes_.size());
  routes_.push_back(std::move(r));
}

void router::add(std::string method, std::string path_template, handler fn, route_options opts) {
  route r;
  r.method = std::move(method);
  r.path_template = std::move(path_template);
  r.fn = std::move(fn);
  r.options = opts;
  insert(std::move(r));
}

void router::add_websocket(std::string path_template, ws_handler fn, ws_limits limits) {
  route r;
  r.method = "GET";
  r.path_template = std::move(path_template);
  r.websocket = true;
  r.ws_fn = std::move(fn);
  r.ws_opts = limits;
  insert(std::move(r));
}

match_result router::match(std::string_view method, std::string_view path) const {
  if (method != "HEAD") return match_method(method, path);
  // HEAD is served by the GET route (the server sends its headers without the body),
  // unless a HEAD route of its own exists.
  auto out = match_method(method, path);
  if (out.found) return out;
  auto get = match_method("GET", path);
  if (get.found) return get;
  return out;
}

match_result router::match_method(std::string_view method, std::string_view path) const {
  match_result out;
  if (path.empty() || path.front() != '/') return out;
  auto parts = split_path(path);
  if (parts.size() > max_segments) return out;
  // The routes of this length whose first segment is this one, then those whose first
  // segment is a parameter.
  thread_local bucket_key key;
  key.length = parts.size();
  key.first.assign(parts[0]);
  const std::vector<std::size_t>* candidates[2] = {nullptr, nullptr};
  if (auto it = buckets_.find(key); it != buckets_.end()) candidates[0] = &it->second;
  key.first.assign(param_bucket);
  if (auto it = buckets_.find(key); it != buckets_.end() && &it->second != candidates[0])
    candidates[1] = &it->second;
  int best = -1;
  for (auto* list : candidates) {
    if (!list) continue;
    for (auto i : *list) {
      auto& r = routes_[i];
      int n = match_path(r, parts, nullptr);
      if (n < 0) continue;
      out.path_known = true;
      // Literal segments beat parameters: "/a/new" wins over "/a/{id}".
      if (r.method == method && (best < 0 || n < best)) {
        best = n;
        out.found = &r;
      }
    }
  }
  if (out.found) {
    match_path(*out.found, parts, &out.params);
  } else if (out.path_known) {
    // A 405 names the methods the path has, in the order their routes were added.
    std::vector<std::size_t> known;
    for (auto* list : candidates)
      if (list)
        for (auto i : *list)
          if (match_path(routes_[i], parts, nullptr) >= 0) known.push_back(i);
    std::sort(known.begin(), known.end());
    auto add_allowed = [&](const std::string& m) {
      // Whole names: "GET" must not be found inside another method's name.
      std::string padded = ", " + out.allow + ",";
      if (padded.find(", " + m + ",") == std::string::npos)
        out.allow += (out.allow.empty() ? "" : ", ") + m;
    };
    for (auto i : known) {
      add_allowed(routes_[i].method);
      if (routes_[i].method == "GET") add_allowed("HEAD");
    }
  }
  return out;
}

}  // namespace switchboard::http
