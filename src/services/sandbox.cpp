// The sandbox's store jobs over the unit of work (issue 17: they used to sit in
// api/sandbox_routes.cpp).
#include "switchboard/services/sandbox.hpp"

#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using store::id_t;
namespace asio = boost::asio;

asio::awaitable<result<id_t>> sandbox_line_workspace(context& ctx, std::optional<id_t> ws, std::string to) {
  auto job = [to](store::unit_of_work& uow) { return uow.numbers().find_active(to); };
  auto number = co_await ctx.db.read(std::move(job));
  if (!number) co_return number.err();
  if (!*number || (*number)->carrier != "sandbox" || (ws && (*number)->workspace_id != *ws))
    co_return error{"NOT_FOUND", "no sandbox number " + to};
  co_return (*number)->workspace_id;
}

asio::awaitable<result<std::optional<id_t>>> sandbox_call_workspace(context& ctx, std::string sid) {
  auto job = [sid](store::unit_of_work& uow) {
    std::optional<id_t> out;
    if (auto item = uow.messages().find_by_external_any("voice", sid)) out = item->workspace_id;
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<store::numbers::sandbox_line>>> sandbox_lines(context& ctx,
                                                                               std::optional<id_t> ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.numbers().sandbox_lines(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<id_t>> record_sandbox_text(context& ctx, id_t ws, std::string sid, std::string from,
                                                  std::string to, std::string body, std::string at) {
  auto job = [ws, sid, from, to, body, at](store::unit_of_work& uow) {
    return uow.numbers().record_sandbox_message(ws, sid, from, to, body, at);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<void>> forget_sandbox_text(context& ctx, id_t id) {
  auto job = [id](store::unit_of_work& uow) { uow.numbers().delete_sandbox_message(id); };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::vector<store::numbers::sandbox_message>>> sandbox_texts_to(
    context& ctx, std::optional<id_t> ws, std::string phone, std::optional<std::string> line,
    std::optional<id_t> after, int limit) {
  auto job = [ws, phone, line, after, limit](store::unit_of_work& uow) {
    return uow.numbers().sandbox_messages_to(ws, phone, line, after, limit);
  };
  co_return co_await ctx.db.read(std::move(job));
}

}  // namespace switchboard::services
