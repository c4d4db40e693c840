#include "switchboard/core/metrics.hpp"

#include <cstdio>

namespace switchboard {
namespace {
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
// Label values are route templates and methods; escape anyway.
std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
}  // namespace

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void histogram::observe(double v) {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

void histogram::render(std::string& out, const std::string& name,
                       const std::string& labels) const {
  std::uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : labels + ",";
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    out += name + "_bucket{" + sep + "le=\"" + num(bounds_[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += counts_[bounds_.size()].load(std::memory_order_relaxed);
  out += name + "_bucket{" + sep + "le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + num(sum_.load()) + "\n";
  out += name + "_count" + braces + " " + std::to_string(count_.load()) + "\n";
}

metrics::metrics()
    : request_seconds_({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                        5, 10}),
      batch_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}),
      commit_seconds_({0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                       0.25, 1}) {}

void metrics::observe_request(std::string_view route, std::string_view method, int status,
                              double seconds) {
  {
    int status_class = status >= 100 && status <= 599 ? status / 100 : 0;  // 0: "other"
    auto key = std::make_tuple(route, method, status_class);
    auto it = requests_.find(key);
    if (it == requests_.end())
      it = requests_
               .emplace(std::make_tuple(std::string(route), std::string(method), status_class), 0)
               .first;
    ++it->second;
  }
  request_seconds_.observe(seconds);
}

void metrics::observe_commit(std::size_t batch_size, double seconds) {
  batch_size_.observe(static_cast<double>(batch_size));
  commit_seconds_.observe(seconds);
  commits_.fetch_add(1, std::memory_order_relaxed);
}

void metrics::observe_checkpoint() { checkpoints_.fetch_add(1, std::memory_order_relaxed); }

std::string metrics::render() const {
  std::string out;
  out += "# HELP switchboard_http_requests_total HTTP requests by route template, method and status class.\n";
  out += "# TYPE switchboard_http_requests_total counter\n";
  {
    for (auto& [key, n] : requests_)
      out += "switchboard_http_requests_total{route=\"" + esc(std::get<0>(key)) + "\",method=\"" +
             esc(std::get<1>(key)) + "\",status=\"" +
             (std::get<2>(key) ? std::to_string(std::get<2>(key)) + "xx" : std::string("other")) +
             "\"} " +
             std::to_string(n) + "\n";
  }
  out += "# HELP switchboard_http_request_duration_seconds Time from a request's first byte to its response.\n";
  out += "# TYPE switchboard_http_request_duration_seconds histogram\n";
  request_seconds_.render(out, "switchboard_http_request_duration_seconds", "");
  out += "# HELP switchboard_http_open_connections Open HTTP connections.\n";
  out += "# TYPE switchboard_http_open_connections gauge\n";
  out += "switchboard_http_open_connections " + std::to_string(open_connections.load()) + "\n";
  out += "# HELP switchboard_http_connections_refused_total Connections closed when accepted, by reason.\n";
  out += "# TYPE switchboard_http_connections_refused_total counter\n";
  out += "switchboard_http_connections_refused_total{reason=\"per_ip\"} " +
         std::to_string(connections_refused_per_ip.load()) + "\n";
  out += "switchboard_http_connections_refused_total{reason=\"cap\"} " +
         std::to_string(connections_refused_cap.load()) + "\n";
  out += "# HELP switchboard_http_connections_shed_total Connections without a request closed at the connection cap.\n";
  out += "# TYPE switchboard_http_connections_shed_total counter\n";
  out += "switchboard_http_connections_shed_total " + std::to_string(connections_shed.load()) + "\n";
  out += "# HELP switchboard_store_batch_size Write jobs per group commit.\n";
  out += "# TYPE switchboard_store_batch_size histogram\n";
  batch_size_.render(out, "switchboard_store_batch_size", "");
  out += "# HELP switchboard_store_commit_seconds Time to commit one batch (includes fsync).\n";
  out += "# TYPE switchboard_store_commit_seconds histogram\n";
  commit_seconds_.render(out, "switchboard_store_commit_seconds", "");
  out += "# HELP switchboard_store_commits_total Group commits.\n";
  out += "# TYPE switchboard_store_commits_total counter\n";
  out += "switchboard_store_commits_total " + std::to_string(commits_.load()) + "\n";
  out += "# HELP switchboard_store_checkpoints_total WAL checkpoints run by the checkpointer thread.\n";
  out += "# TYPE switchboard_store_checkpoints_total counter\n";
  out += "switchboard_store_checkpoints_total " + std::to_string(checkpoints_.load()) + "\n";

  return out;
}

}  // namespace switchboard
