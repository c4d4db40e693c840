#pragma once
// Row readers shared by more than one PostgreSQL repository (a conversation's
// messages name teammates, a team lists its members, …). Each reads the columns
// its repository's SELECT lists, in that order, from row `i`.
#include "switchboard/store/models.hpp"
#include "switchboard/store/postgres/connection.hpp"

namespace switchboard::store::pg {

teammate teammate_row(const query_result& r, int i);

}  // namespace switchboard::store::pg
