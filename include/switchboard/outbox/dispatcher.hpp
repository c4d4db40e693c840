#pragma once
// Outbox dispatcher: delivers side effects written by the transactional outbox.
// SMS replies go out through the sandbox carrier (recorded for the simulator) or
// through Twilio's / SignalWire's REST API, with retries and backoff.
#include <chrono>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "switchboard/services/context.hpp"

namespace switchboard::outbox {

class dispatcher {
 public:
  dispatcher(boost::asio::io_context& io, services::context& ctx, std::chrono::milliseconds poll,
             std::chrono::milliseconds retry_base = std::chrono::seconds(2));
  ~dispatcher();
  void start();
  void stop();
  // Run a pass soon (after a commit that wrote outbox rows).
  void wake();
  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace switchboard::outbox
