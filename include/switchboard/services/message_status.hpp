#pragma once
// A carrier's delivery report for a text we sent (…/sms/status). The status only
// moves forward (routing::next_message_status); the one place that writes a
// message's status is store::conversations::set_message_status.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"

namespace switchboard::services {

struct delivery_report {
  std::string sid;       // the carrier's MessageSid
  std::string reported;  // MessageStatus as the carrier sent it (a known one: routing::message_status_rank >= 0)
  std::string error_code;  // ErrorCode, or ""
  std::string to;          // To: the recipient, or "" (then the conversation's customer)
};

// Records the report (an unknown SID or a step backwards changes nothing) and
// sends message.updated; an error meaning the recipient opted out (21610) records
// the opt-out in the consent ledger; an error means nothing committed and the carrier should retry.
boost::asio::awaitable<result<void>> record_delivery_report(context& ctx, delivery_report r);

// Inside a write job: the carrier refused `msg` with `error_code`; when that means
// the recipient opted out (routing::error_means_opted_out), the ledger records it
// (source carrier) for `to`, or the conversation's customer's phone when "".
void record_carrier_refusal(store::unit_of_work& uow, const store::message& msg, const std::string& to,
                            const std::string& error_code, const std::string& at);

}  // namespace switchboard::services
