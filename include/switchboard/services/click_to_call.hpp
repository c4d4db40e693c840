#pragma once
// Click-to-call: the line rings the teammate's own phone; when they answer, the
// carrier asks …/voice/click-to-call?item=N and the customer is dialled with the
// line as caller id (services/voice_call.hpp). From the inbox (POST
// /api/v1/conversations/{id}/call) or from the teammate's phone ("call 2").
#include <string>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

// Inside a write job: the queued call item and its call.create outbox row. Throws
// job_error NOT_FOUND (no such conversation) or INVALID_INPUT (no phone of the
// teammate's, no phone of the customer's, no active line).
store::message queue_click_to_call(store::unit_of_work& uow, store::id_t workspace_id, store::id_t teammate_id,
                                   store::id_t conversation_id, const std::string& at);

// The whole use case: write, then the event and the outbox woken. Errors carry API codes.
boost::asio::awaitable<result<store::message>> place_click_to_call(context& ctx, store::id_t workspace_id,
                                                                    store::id_t teammate_id,
                                                                    store::id_t conversation_id);

}  // namespace switchboard::services
