#pragma once
// The media store's files: content-addressed under data_dir/media/ (aa/bb…, the
// SHA-256 of the bytes), written to a temporary name, fsynced and renamed, so a
// file either is whole or is not there. Disk I/O runs on the store's own thread,
// never on the io_context; each call resumes on the caller's executor.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "switchboard/core/result.hpp"

namespace switchboard::media {

struct stored_file {
  std::string sha256;
  std::int64_t size = 0;
};

class file_store {
 public:
  // Creates `root` (mode 0700) when missing. Errors name the directory.
  static result<std::unique_ptr<file_store>> open(const std::string& root);
  ~file_store();
  file_store(const file_store&) = delete;
  file_store& operator=(const file_store&) = delete;

  // Stores the bytes (the same bytes twice are one file).
  boost::asio::awaitable<result<stored_file>> put(std::string bytes);
  // The bytes of a stored file; NOT_FOUND when it is gone.
  boost::asio::awaitable<result<std::string>> read(std::string sha256);
  // Blocking: whether the file is there, and deleting one. For the store's
  // writer thread (an erasure removes files no row names any more), never the io_context.
  bool exists_now(const std::string& sha256) const;
  void remove_now(const std::string& sha256) const;
  std::string path_of(const std::string& sha256) const;

 private:
  explicit file_store(std::string root);
  std::string root_;
  boost::asio::thread_pool disk_{1};
};

}  // namespace switchboard::media
