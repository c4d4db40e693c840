#pragma once
// A small Prometheus registry: counters, gauges and fixed-bucket histograms.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
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
  // HTTP: one call per finished request (io thread).
  void observe_request(const std::string& route, const std::string& method, int status,
                       double seconds);
  std::atomic<std::int64_t> open_connections{0};
  // Store: one call per group commit (writer thread).
  void observe_commit(std::size_t batch_size, double seconds);
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> requests_;  // key = rendered label set
  histogram request_seconds_;
  histogram batch_size_;
  histogram commit_seconds_;
  std::atomic<std::uint64_t> commits_{0};
};

}  // namespace switchboard
