#pragma once
// SQL for contacts and their identities (one place).
#include <optional>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::contacts {

std::optional<contact> find(database& db, id_t workspace_id, id_t id);
std::optional<id_t> find_by_identity(database& db, id_t workspace_id, const std::string& kind,
                                     const std::string& value);
// Newest first; `before` is the keyset cursor (an id).
std::vector<contact> list(database& db, id_t workspace_id, std::optional<id_t> before, int limit,
                          const std::optional<std::string>& q);
// Inserts the contact and its identities; a taken identity throws (CONFLICT).
id_t insert(database& db, const contact& c);

void update(database& db, id_t workspace_id, id_t id, const patch& p, const std::string& now);

// Moves identities and conversations of `from` into `into`, fills empty fields,
// merges attributes (into's values win), deletes `from`.
void merge(database& db, id_t workspace_id, id_t into, id_t from, const std::string& now);
// GDPR erasure: the contact, its identities, conversations and messages.
// GDPR erasure: the contact and every copy of their data in the store (outbox
// payloads, the sandbox's log, undeliverable texts, webhook answers, widget visits,
// audit details). `also_written_as`: other spellings of their data to look for in
// free text (e.g. a phone formatted for display).
void erase(database& db, id_t workspace_id, id_t id, const std::vector<std::string>& also_written_as = {});

}  // namespace switchboard::store::contacts
