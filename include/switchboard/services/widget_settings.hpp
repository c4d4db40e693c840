#pragma once
// The website widget's settings as its admin changes them (/api/v1/widget/settings):
// the allow-list of origins, the texts and colour, identity verification and the
// rotation of its secret (the old one stays valid for a grace window).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/widget/identity.hpp"

namespace switchboard::services {

// The secrets user_hash may be made with, as widget/identity.hpp reads them.
widget::identity_secrets secrets_of(const store::widget::settings& s);

// nullopt when there is no such workspace.
boost::asio::awaitable<result<std::optional<store::widget::settings>>> widget_settings_of(context& ctx,
                                                                                         store::id_t workspace_id);

// Absent fields stay.
struct widget_settings_change {
  std::optional<std::vector<std::string>> allowed_origins;
  std::optional<std::string> color, greeting, reply_time, office_hours, identity_mode;
};
// NOT_FOUND ("workspace not found"); INVALID_INPUT when verification is turned on
// before a secret exists. The settings after the change.
boost::asio::awaitable<result<store::widget::settings>> update_widget_settings(context& ctx,
                                                                              store::id_t workspace_id,
                                                                              widget_settings_change c);
// `fresh` becomes the secret; the current one stays valid for `grace`. NOT_FOUND as above.
boost::asio::awaitable<result<store::widget::settings>> rotate_widget_secret(context& ctx, store::id_t workspace_id,
                                                                            std::string fresh,
                                                                            std::chrono::seconds grace);

}  // namespace switchboard::services
