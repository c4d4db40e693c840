// Child for the crash test: 64 concurrent writers insert rows through the store
// and print "ack <name>" for each acknowledged write, until killed.
#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "switchboard/core/clock.hpp"
#include "switchboard/store/store.hpp"

namespace asio = boost::asio;
namespace st = switchboard::store;

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  st::store_options o;
  o.path = argv[1];
  auto s = st::store::open(o);
  if (!s) {
    std::fprintf(stderr, "%s\n", s.err().message.c_str());
    return 1;
  }
  asio::io_context io;
  for (int w = 0; w < 64; ++w) {
    asio::co_spawn(
        io,
        [&, w]() -> asio::awaitable<void> {
          for (int i = 0;; ++i) {
            std::string name = "w" + std::to_string(w) + "-" + std::to_string(i);
            auto r = co_await (*s)->write([&](st::database& db) {
              db.prepare("INSERT INTO workspaces(name, created_at) VALUES (?1, ?2)")
                  .bind_all(name, switchboard::now_rfc3339())
                  .run();
            });
            if (!r) co_return;
            // Printed only after the commit (and its fsync) completed.
            std::printf("ack %s\n", name.c_str());
            std::fflush(stdout);
          }
        },
        asio::detached);
  }
  io.run();
  return 0;
}
