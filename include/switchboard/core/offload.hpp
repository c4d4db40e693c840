#pragma once
// Runs CPU-heavy work (password hashing) on a worker pool and resumes the
// coroutine on its own executor, so the io_context thread never blocks on it.
#include <exception>
#include <optional>
#include <type_traits>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace switchboard {

// nullopt if f threw. A plain function, not a coroutine (see store::write).
template <class Arg>
auto offload(boost::asio::thread_pool& pool, Arg&& arg) {
  namespace asio = boost::asio;
  using F = std::decay_t<Arg>;
  using R = std::optional<std::invoke_result_t<F&>>;
  auto fn = std::make_shared<F>(std::forward<Arg>(arg));
  auto initiation = [&pool](auto handler, std::shared_ptr<F> fn) {
    auto ex = asio::prefer(asio::get_associated_executor(handler),
                           asio::execution::outstanding_work.tracked);
    asio::post(pool, [ex, fn, h = std::move(handler)]() mutable {
      R r;
      try {
        r.emplace((*fn)());
      } catch (...) {
      }
      asio::post(ex, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
    });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      std::move(initiation), asio::use_awaitable, std::move(fn));
}

}  // namespace switchboard
