#include "switchboard/core/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace switchboard {
namespace {

std::shared_ptr<spdlog::logger> g_access;

// %j: the message, escaped for a JSON string, so JSON log lines stay parseable.
class json_escaped_message : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (char c : msg.payload) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\r': dest.append(std::string_view("\\r")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            dest.append(std::string_view(buf));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_escaped_message>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(const log_config& cfg) {
  auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  f->add_flag<json_escaped_message>('j');
  if (cfg.format == "json")
    f->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","msg":"%j"})");
  else
    f->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v");
  return f;
}

}  // namespace

void init_logging(const log_config& cfg) {
  auto level = spdlog::level::from_str(cfg.level);
  auto main = std::make_shared<spdlog::logger>(
      "switchboard", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  main->set_formatter(make_formatter(cfg));
  main->set_level(level);
  main->flush_on(spdlog::level::info);
  spdlog::set_default_logger(main);
  if (cfg.access) {
    g_access = std::make_shared<spdlog::logger>(
        "access", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    g_access->set_formatter(make_formatter(cfg));
    g_access->set_level(level <= spdlog::level::info ? spdlog::level::info : level);
  } else {
    g_access.reset();
  }
}

spdlog::logger* access_logger() { return g_access.get(); }

}  // namespace switchboard
