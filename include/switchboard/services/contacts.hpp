#pragma once
// Contacts (/api/v1/contacts): the page of the list, create, read, update, merge,
// GDPR erasure (with its audit row and the scrub of the files) and every row for
// the CSV export. Each runs one store job on the unit of work; a missing contact
// fails with NOT_FOUND and a taken phone, email or external id with CONFLICT.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// Newest first, below the cursor `before`; q matches name, email and identities.
boost::asio::awaitable<result<std::vector<store::contact>>> list_contacts(context& ctx, store::id_t workspace_id,
                                                                          std::optional<store::id_t> before, int limit,
                                                                          std::optional<std::string> q);
// Inserts c (its identities too) and returns the stored row.
boost::asio::awaitable<result<store::contact>> create_contact(context& ctx, store::contact c);
// nullopt when there is no such contact in the workspace.
boost::asio::awaitable<result<std::optional<store::contact>>> find_contact(context& ctx, store::id_t workspace_id,
                                                                           store::id_t id);
boost::asio::awaitable<result<store::contact>> update_contact(context& ctx, store::id_t workspace_id, store::id_t id,
                                                              store::contacts::patch p);
// Merges `from` into `into` (audited as contact.merged by `who`); the merged row.
boost::asio::awaitable<result<store::contact>> merge_contacts(context& ctx, store::principal who, store::id_t into,
                                                              store::id_t from, std::string ip);
// Erases the contact and every copy of their data (audited as contact.erased, by
// id only), then scrubs the files; true when the scrub finished too.
boost::asio::awaitable<result<bool>> erase_contact(context& ctx, store::principal who, store::id_t id,
                                                   std::string ip);
// Every contact of the workspace, newest first (read in chunks inside one job).
boost::asio::awaitable<result<std::vector<store::contact>>> all_contacts(context& ctx, store::id_t workspace_id);

}  // namespace switchboard::services
