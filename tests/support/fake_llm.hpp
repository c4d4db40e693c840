#pragma once
// A fake OpenAI-compatible chat-completions server on loopback (what llama.cpp's
// server, Ollama or vLLM answer at /v1/chat/completions). A script sets the next
// answers: a text (citing passages or not), a decline (NO_ANSWER), an HTTP error,
// or a delay longer than the caller waits. Records every request.
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/core/metrics.hpp"
#include "switchboard/http/router.hpp"
#include "switchboard/http/server.hpp"

namespace sbtest {

class fake_llm {
 public:
  struct seen {
    std::string authorization, body;
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  };

  fake_llm() {
    routes_.add("POST", "/v1/chat/completions",
                [this](switchboard::http::request& req) -> boost::asio::awaitable<switchboard::http::response> {
                  std::string content;
                  int status = 200;
                  std::chrono::milliseconds delay{0};
                  {
                    std::lock_guard lock(mu_);
                    requests_.push_back({std::string(req.headers.get("Authorization").value_or("")), req.body});
                    content = content_;
                    status = status_;
                    delay = delay_;
                  }
                  if (delay.count() > 0) {
                    ++delayed_;
                    boost::asio::steady_timer t(io_, delay);
                    timers_.insert(&t);
                    co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
                    timers_.erase(&t);
                    --delayed_;
                  }
                  if (status != 200)
                    co_return switchboard::http::response::json(status, {{"error", {{"message", "scripted failure"}}}});
                  co_return switchboard::http::response::json(
                      200, {{"id", "chatcmpl-test"},
                            {"object", "chat.completion"},
                            {"model", "test-model"},
                            {"choices",
                             {{{"index", 0},
                               {"message", {{"role", "assistant"}, {"content", content}}},
                               {"finish_reason", "stop"}}}}});
                });
    switchboard::http_config hc;
    hc.host = "127.0.0.1";
    hc.port = 0;
    server_ = std::make_unique<switchboard::http::server>(io_, hc, routes_, stats_);
    if (!server_->listen()) throw std::runtime_error("fake llm: listen failed");
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_llm() {
    boost::asio::post(io_, [this] {
      for (auto* t : timers_) t->cancel();
    });
    for (int i = 0; i < 500 && delayed_ > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    io_.stop();
    thread_.join();
  }

  // answer_bot.llm.url
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1"; }

  // What every following completion says (and how, and when).
  void answer(std::string content, int status = 200, std::chrono::milliseconds delay = {}) {
    std::lock_guard lock(mu_);
    content_ = std::move(content);
    status_ = status;
    delay_ = delay;
  }
  std::vector<seen> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  boost::asio::io_context io_{1};
  switchboard::http::router routes_;
  switchboard::metrics stats_;
  std::unique_ptr<switchboard::http::server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<seen> requests_;
  std::string content_ = "NO_ANSWER";
  int status_ = 200;
  std::chrono::milliseconds delay_{0};
  std::atomic<int> delayed_{0};
  std::set<boost::asio::steady_timer*> timers_;
};

}  // namespace sbtest
