#pragma once
// A webhook receiver on loopback: records each POST (its Standard Webhooks headers
// and body) and answers with the scripted statuses in turn, then with the default.
#include <boost/asio/io_context.hpp>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/core/metrics.hpp"
#include "switchboard/http/router.hpp"
#include "switchboard/http/server.hpp"

namespace sbtest {

class fake_webhook_receiver {
 public:
  struct seen {
    std::string id, timestamp, signature, content_type, body;
  };

  fake_webhook_receiver() {
    routes_.add("POST", "/hook", [this](switchboard::http::request& req) -> boost::asio::awaitable<switchboard::http::response> {
      int status = 200;
      {
        std::lock_guard lock(mu_);
        requests_.push_back({std::string(req.headers.get("webhook-id").value_or("")),
                             std::string(req.headers.get("webhook-timestamp").value_or("")),
                             std::string(req.headers.get("webhook-signature").value_or("")),
                             std::string(req.headers.get("Content-Type").value_or("")), req.body});
        if (!script_.empty()) {
          status = script_.front();
          script_.pop_front();
        } else {
          status = default_status_;
        }
      }
      co_return switchboard::http::response::json(status, {{"received", status < 300}});
    });
    switchboard::http_config hc;
    hc.host = "127.0.0.1";
    hc.port = 0;
    server_ = std::make_unique<switchboard::http::server>(io_, hc, routes_, stats_);
    if (!server_->listen()) throw std::runtime_error("fake webhook receiver: listen failed");
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_webhook_receiver() {
    io_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook"; }
  // The next answers, in order; afterwards `then` for every request.
  void answer(std::vector<int> statuses, int then = 200) {
    std::lock_guard lock(mu_);
    script_.assign(statuses.begin(), statuses.end());
    default_status_ = then;
  }
  std::vector<seen> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    requests_.clear();
  }

 private:
  boost::asio::io_context io_{1};
  switchboard::http::router routes_;
  switchboard::metrics stats_;
  std::unique_ptr<switchboard::http::server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<seen> requests_;
  std::deque<int> script_;
  int default_status_ = 200;
};

}  // namespace sbtest
