// Contract: attachments (issue 18). An upload waits unattached until a message
// carries it; rows are scoped to their workspace; a message's media list can be
// replaced; an erasure takes a contact's rows and names the files that remain
// in use by nobody else's rows.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class media_contract : public contract_test {
 protected:
  id_t add(id_t ws, const std::string& sha, std::optional<id_t> conversation = std::nullopt,
           std::optional<id_t> message = std::nullopt, std::optional<std::string> visitor = std::nullopt) {
    st::media_item m;
    m.workspace_id = ws;
    m.sha256 = sha;
    m.content_type = "image/png";
    m.size = 10;
    m.name = "a.png";
    m.conversation_id = conversation;
    m.message_id = message;
    m.teammate_id = visitor ? std::nullopt : std::optional<id_t>(owner_);
    m.visitor_id = visitor;
    m.created_at = t(1);
    return write([&](st::unit_of_work& u) { return u.media().add(m); });
  }
};

TEST_P(media_contract, an_upload_is_found_in_its_workspace_and_attached_to_one_message) {
  auto other = store_->add_workspace("Other");
  auto contact = add_contact(ws_, "Dana", {"+14155550177"});
  auto conv = add_conversation(ws_, contact, 1);
  auto mid = write([&](st::unit_of_work& u) { return u.messages().insert(text(ws_, conv, "see", 2, "teammate")); });
  auto id = add(ws_, std::string(64, 'a'));
  auto found = read([&](st::unit_of_work& u) { return u.media().find(ws_, id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->sha256, std::string(64, 'a'));
  EXPECT_EQ(found->teammate_id, owner_);
  EXPECT_FALSE(found->message_id);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.media().find(other, id); }));

  write([&](st::unit_of_work& u) { u.media().attach(ws_, {id}, conv, mid); });
  auto rows = read([&](st::unit_of_work& u) { return u.media().of_message(ws_, mid); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].conversation_id, conv);
  EXPECT_EQ(rows[0].message_id, mid);
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.media().of_message(other, mid); }).empty());

  nlohmann::json list = nlohmann::json::array({{{"id", std::to_string(id)}, {"content_type", "image/png"}}});
  write([&](st::unit_of_work& u) { u.media().set_message_media(ws_, mid, list); });
  auto m = read([&](st::unit_of_work& u) { return u.messages().find(ws_, mid); });
  ASSERT_TRUE(m);
  EXPECT_EQ(m->media, list);
}

TEST_P(media_contract, an_erasure_takes_the_contacts_rows_and_a_file_stays_in_use_while_any_row_names_it) {
  auto dana = add_contact(ws_, "Dana", {"+14155550177"});
  auto lee = add_contact(ws_, "Lee", {"+14155550178"});
  auto dana_conv = add_conversation(ws_, dana, 1);
  auto lee_conv = add_conversation(ws_, lee, 1);
  const std::string shared(64, 'b'), own(64, 'c');
  add(ws_, shared, dana_conv);
  add(ws_, own, dana_conv);
  add(ws_, shared, lee_conv);
  auto files = write([&](st::unit_of_work& u) { return u.media().erase_of_contact(ws_, dana); });
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{shared, own}));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.media().file_in_use(shared); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.media().file_in_use(own); }));
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.media().erase_of_contact(ws_, dana); }).empty());
}

TEST_P(media_contract, uploads_no_message_took_are_purged_after_their_time_and_sent_ones_stay) {
  auto dana = add_contact(ws_, "Dana", {"+14155550177"});
  auto conv = add_conversation(ws_, dana, 1);
  auto mid = write([&](st::unit_of_work& u) { return u.messages().insert(text(ws_, conv, "see", 2, "teammate")); });
  const std::string sent(64, 'd'), unsent(64, 'e');
  add(ws_, sent, conv, mid);
  add(ws_, unsent);  // created at minute 1, never sent
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.media().purge_unsent(t(0), 10); }).empty());  // not old enough
  auto files = write([&](st::unit_of_work& u) { return u.media().purge_unsent(t(5), 10); });
  EXPECT_EQ(files, std::vector<std::string>{unsent});
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.media().file_in_use(unsent); }));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.media().file_in_use(sent); }));
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.media().of_message(ws_, mid); }).size(), 1u);
}

TEST_P(media_contract, visitors_budgets_count_unsent_uploads_and_recent_bytes_of_the_workspace) {
  auto other = store_->add_workspace("Other");
  auto upload = [&](id_t ws, std::optional<std::string> visitor, std::int64_t size, int at) {
    st::media_item m;
    m.workspace_id = ws;
    m.sha256 = std::string(64, 'f');
    m.content_type = "image/png";
    m.size = size;
    m.name = "a.png";
    m.teammate_id = visitor ? std::nullopt : std::optional<id_t>(owner_);
    m.visitor_id = visitor;
    m.created_at = t(at);
    return write([&](st::unit_of_work& u) { return u.media().add(m); });
  };
  auto sent = upload(ws_, "v-1", 100, 1);
  upload(ws_, "v-1", 200, 5);
  upload(ws_, "v-2", 400, 6);
  upload(ws_, std::nullopt, 800, 6);  // a teammate's: no visitor budget
  upload(other, "v-1", 1600, 6);
  auto conv = add_conversation(ws_, add_contact(ws_, "Vera"), 1);
  auto mid = write([&](st::unit_of_work& u) { return u.messages().insert(text(ws_, conv, "see", 2)); });
  write([&](st::unit_of_work& u) { u.media().attach(ws_, {sent}, conv, mid); });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.media().unsent_of_visitor(ws_, "v-1"), 1);
    EXPECT_EQ(u.media().unsent_of_visitor(ws_, "v-2"), 1);
    EXPECT_EQ(u.media().unsent_of_visitor(ws_, "v-9"), 0);
    EXPECT_EQ(u.media().visitor_bytes_since(ws_, t(0)), 700);
    EXPECT_EQ(u.media().visitor_bytes_since(ws_, t(5)), 600);  // from `since` on
    EXPECT_EQ(u.media().visitor_bytes_since(ws_, t(7)), 0);
  });
}

TEST_P(media_contract, attach_takes_only_the_workspaces_uploads_and_purging_goes_oldest_first_a_batch_at_a_time) {
  auto other = store_->add_workspace("Other");
  auto conv = add_conversation(ws_, add_contact(ws_, "Dana"), 1);
  auto mid = write([&](st::unit_of_work& u) { return u.messages().insert(text(ws_, conv, "see", 2, "teammate")); });
  auto ours = add(ws_, std::string(64, '1')), ours2 = add(ws_, std::string(64, '2'));
  auto theirs = add(other, std::string(64, '3'));
  write([&](st::unit_of_work& u) {
    u.media().attach(ws_, {ours2}, conv, mid);
    u.media().attach(ws_, {theirs}, conv, mid);  // another workspace's: not taken
    u.media().attach(ws_, {ours}, conv, mid);
    u.media().attach(ws_, {}, conv, mid);  // nothing to attach
  });
  auto rows = read([&](st::unit_of_work& u) { return u.media().of_message(ws_, mid); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, ours);  // in id order
  EXPECT_EQ(rows[1].id, ours2);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.media().find(other, theirs); })->message_id);
  // `theirs` and a newer unsent upload: across workspaces, oldest first, `limit` a pass.
  add(ws_, std::string(64, '4'));
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.media().purge_unsent(t(5), 1); }),
            std::vector<std::string>{std::string(64, '3')});
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.media().purge_unsent(t(5), 1); }),
            std::vector<std::string>{std::string(64, '4')});
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.media().purge_unsent(t(5), 10); }).empty());
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.media().of_message(ws_, mid); }).size(), 2u);
}

TEST_P(media_contract, several_uploads_are_attached_and_purged_in_one_call) {
  auto conv = add_conversation(ws_, add_contact(ws_, "Dana"), 1);
  auto mid = write([&](st::unit_of_work& u) { return u.messages().insert(text(ws_, conv, "see", 2, "teammate")); });
  auto a = add(ws_, std::string(64, '1')), b = add(ws_, std::string(64, '2'));
  write([&](st::unit_of_work& u) { u.media().attach(ws_, {a, b}, conv, mid); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.media().of_message(ws_, mid); }).size(), 2u);
  add(ws_, std::string(64, '4'));
  add(ws_, std::string(64, '4'));
  add(ws_, std::string(64, '5'));
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.media().purge_unsent(t(5), 10); }),
            (std::vector<std::string>{std::string(64, '4'), std::string(64, '5')}));
}

}  // namespace

CONTRACT_SUITE(media_contract);

}  // namespace contract
