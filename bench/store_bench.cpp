// Durable inserts per second: the store's writer (group commit) with N concurrent
// writers, each awaiting its acknowledgement before the next insert, vs. the
// baseline of one transaction (one fsync) per insert on one connection.
// Both use WAL with synchronous=FULL on the same file system.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "switchboard/store/store.hpp"

namespace asio = boost::asio;
namespace st = switchboard::store;
using clock_type = std::chrono::steady_clock;

namespace {

const std::vector<st::migration>& schema() {
  static const std::vector<st::migration> m = {
      {1, "bench", "CREATE TABLE events(id INTEGER PRIMARY KEY, writer INTEGER, seq INTEGER, body TEXT)"}};
  return m;
}

double run_group(const std::string& path, int writers, double seconds, std::int64_t& acked) {
  st::store_options o;
  o.path = path;
  o.migrations = schema();
  auto s = st::store::open(o);
  if (!s) {
    std::fprintf(stderr, "%s\n", s.err().message.c_str());
    std::exit(1);
  }
  asio::io_context io{1};
  std::atomic<std::int64_t> count{0};
  auto deadline = clock_type::now() + std::chrono::duration<double>(seconds);
  auto started = clock_type::now();
  for (int w = 0; w < writers; ++w) {
    asio::co_spawn(
        io,
        [&, w]() -> asio::awaitable<void> {
          for (std::int64_t i = 0; clock_type::now() < deadline; ++i) {
            auto r = co_await (*s)->write([w, i](st::database& db) {
              db.prepare("INSERT INTO events(writer, seq, body) VALUES (?1, ?2, ?3)")
                  .bind_all(static_cast<std::int64_t>(w), i, std::string("payload of a message"))
                  .run();
            });
            if (!r) {
              std::fprintf(stderr, "write failed: %s\n", r.err().message.c_str());
              std::exit(1);
            }
            ++count;
          }
        },
        asio::detached);
  }
  io.run();
  double elapsed = std::chrono::duration<double>(clock_type::now() - started).count();
  acked = count;
  return static_cast<double>(count) / elapsed;
}

double run_baseline(const std::string& path, double seconds, std::int64_t& acked) {
  st::database db(path, st::database::mode::read_write);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec(schema()[0].sql);
  auto started = clock_type::now();
  auto deadline = started + std::chrono::duration<double>(seconds);
  std::int64_t n = 0;
  while (clock_type::now() < deadline) {
    // Autocommit: each insert is its own transaction and its own fsync.
    db.prepare("INSERT INTO events(writer, seq, body) VALUES (?1, ?2, ?3)")
        .bind_all(std::int64_t{0}, n, std::string("payload of a message"))
        .run();
    ++n;
  }
  double elapsed = std::chrono::duration<double>(clock_type::now() - started).count();
  acked = n;
  return static_cast<double>(n) / elapsed;
}

std::int64_t count_rows(const std::string& path) {
  st::database db(path, st::database::mode::read_only);
  auto& q = db.prepare("SELECT COUNT(*) FROM events");
  q.step();
  return q.column_int(0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [SECONDS] [WRITERS]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  double seconds = argc > 2 ? std::atof(argv[2]) : 5.0;
  int writers = argc > 3 ? std::atoi(argv[3]) : 64;
  std::filesystem::create_directories(dir);
  auto group_path = dir + "/group.db", base_path = dir + "/baseline.db";
  std::filesystem::remove(group_path);
  std::filesystem::remove(base_path);

  std::int64_t base_n = 0, group_n = 0;
  double base = run_baseline(base_path, seconds, base_n);
  double group = run_group(group_path, writers, seconds, group_n);
  std::int64_t stored = count_rows(group_path);

  std::printf("baseline (1 transaction per insert):   %10.0f inserts/s  (%lld in %.1fs)\n", base,
              static_cast<long long>(base_n), seconds);
  std::printf("group commit (%d concurrent writers):  %10.0f inserts/s  (%lld acknowledged, %lld stored)\n",
              writers, group, static_cast<long long>(group_n), static_cast<long long>(stored));
  std::printf("ratio: %.1fx\n", group / base);
  bool ok = group / base >= 5.0 && group >= 50000 && stored == group_n;
  std::printf("target: >= 5x and >= 50000/s, every acknowledged insert stored: %s\n",
              ok ? "PASS" : "MISS");
  return 0;
}
