#include "switchboard/media/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "switchboard/core/digest.hpp"
#include "switchboard/core/random.hpp"

namespace switchboard::media {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

bool hex_name(const std::string& s) {
  if (s.size() != 64) return false;
  for (char ch : s)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

// Writes and fsyncs `bytes` to `path` through a temporary file in the same directory.
result<void> write_whole(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return error{"UNAVAILABLE", "media store: cannot create " + path.parent_path().string() + ": " + ec.message()};
  auto tmp = path.parent_path() / (".tmp-" + random_hex(8));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return error{"UNAVAILABLE", std::string("media store: cannot write a file: ") + std::strerror(errno)};
  std::size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return error{"UNAVAILABLE", std::string("media store: write failed: ") + std::strerror(e)};
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return error{"UNAVAILABLE", std::string("media store: fsync failed: ") + std::strerror(e)};
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return error{"UNAVAILABLE", std::string("media store: rename failed: ") + std::strerror(e)};
  }
  // The new name is durable once its directory is synced.
  if (int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

// Runs fn on the disk thread and resumes the awaiting coroutine on its own executor.
template <class R, class F>
asio::awaitable<R> on_disk(asio::thread_pool& pool, F fn) {
  auto initiation = [&pool](auto handler, F fn) {
    auto ex = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
    asio::post(pool, [ex, fn = std::move(fn), h = std::move(handler)]() mutable {
      R r = fn();
      asio::post(ex, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
    });
  };
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(std::move(initiation), asio::use_awaitable,
                                                                         std::move(fn));
}

}  // namespace

result<std::unique_ptr<file_store>> file_store::open(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return error{"UNAVAILABLE", "media store: cannot create " + root + ": " + ec.message()};
  fs::permissions(root, fs::perms::owner_all, fs::perm_options::replace, ec);
  return std::unique_ptr<file_store>(new file_store(root));
}

file_store::file_store(std::string root) : root_(std::move(root)) {}

file_store::~file_store() { disk_.join(); }

std::string file_store::path_of(const std::string& sha256) const {
  return (fs::path(root_) / sha256.substr(0, 2) / sha256.substr(2, 2) / sha256).string();
}

bool file_store::exists_now(const std::string& sha256) const {
  if (!hex_name(sha256)) return false;
  std::error_code ec;
  return fs::exists(path_of(sha256), ec);
}

void file_store::remove_now(const std::string& sha256) const {
  if (!hex_name(sha256)) return;
  std::error_code ec;
  fs::remove(path_of(sha256), ec);
}

asio::awaitable<result<stored_file>> file_store::put(std::string bytes) {
  auto work = [this, bytes = std::move(bytes)]() -> result<stored_file> {
    stored_file f{sha256_hex(bytes), static_cast<std::int64_t>(bytes.size())};
    fs::path path = path_of(f.sha256);
    std::error_code ec;
    if (fs::exists(path, ec)) return f;  // the same bytes are already there
    if (auto w = write_whole(path, bytes); !w) return w.err();
    return f;
  };
  co_return co_await on_disk<result<stored_file>>(disk_, std::move(work));
}

asio::awaitable<result<std::string>> file_store::read(std::string sha256) {
  auto work = [this, sha256 = std::move(sha256)]() -> result<std::string> {
    if (!hex_name(sha256)) return error{"NOT_FOUND", "no such file"};
    std::ifstream in(path_of(sha256), std::ios::binary);
    if (!in) return error{"NOT_FOUND", "the attachment's file is gone"};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  };
  co_return co_await on_disk<result<std::string>>(disk_, std::move(work));
}

}  // namespace switchboard::media
