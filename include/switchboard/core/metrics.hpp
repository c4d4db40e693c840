#pragma once
// A small Prometheus registry: counters, gauges and fixed-bucket histograms.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace switchboard {

class histogram {
 public:
  explicit histogram(std::vector<double> bounds);
  void observe(double v);
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

class metrics {
 public:
  metrics();
  // HTTP: one call per finished request. Called and rendered on the io_context
  // thread only (the one network thread), so the label map takes no lock. The caller
  // passes labels from closed sets (route templates, known methods); the status is
  // counted by class ("2xx").
  void observe_request(std::string_view route, std::string_view method, int status,
                       double seconds);
  std::atomic<std::int64_t> open_connections{0};
  // Connections closed at accept: over http.max_connections_per_ip, or at
  // http.max_connections with nothing to shed; and idle new ones shed at the cap.
  std::atomic<std::uint64_t> connections_refused_per_ip{0};
  std::atomic<std::uint64_t> connections_refused_cap{0};
  std::atomic<std::uint64_t> connections_shed{0};
  // Store: one call per group commit (writer thread).
  void observe_commit(std::size_t batch_size, double seconds);
  void observe_checkpoint();
  std::string render() const;

 private:
  // (route, method, status); heterogeneous lookup avoids building a key per request.
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t, std::less<>> requests_;
  histogram request_seconds_;
  histogram batch_size_;
  histogram commit_seconds_;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> checkpoints_{0};
};

}  // namespace switchboard
