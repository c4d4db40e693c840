// Builds a data directory for bench/scale.sh: a workspace at inbox scale, written
// straight into the store's file (bulk SQL in big transactions, prepared
// statements), with exactly the schema the daemon's migrations create, then the
// search index file built by the daemon's own search_index.
//
//   bench_scale_gen dir=DIR [conversations=1000000] [messages=20000000] [seed=17]
//                   [teammates=50] [teams=5] [big_thread=10000] [vocabulary=30000]
//                   [zipf=1.07] [email=bench@example.com] [password=...]
//
// What it makes (all deterministic from the seed):
// - one workspace; teammate 1 is its owner (email/password above, for the bench's
//   login), teammates 2..N agents; `teams` teams, every teammate in one; 8 labels.
// - contacts: 80% of the conversation count, each with a name (about 200 first × 800
//   last names), an email for 60% and one phone identity (+1, unique).
// - conversations: start times uniform over two years (ids grow with them); the
//   first 80% get a contact each, the rest a random earlier contact. 80% assigned
//   (uniform over the teammates), 70% in a team, 25% with one label and 5% with two.
//   Status by age: conversations active in the last week are mostly open or
//   pending, older ones mostly resolved.
// - messages: one per conversation at least; conversation `big_thread_id` (printed)
//   has `big_thread` of them spread over the whole two years; the rest are spread
//   over conversations in proportion to an exponential weight each (mean about
//   20). Within a conversation, gaps of about 20 minutes, one in ten about 3 days.
//   Every message of the workspace gets its id in time order, as the daemon would.
//   First message from the contact; then 55% contact, 40% teammate reply, 5%
//   private note. Bodies: 4 to 24 words drawn from a Zipf(`zipf`) vocabulary of
//   `vocabulary` words: the first ~150 are common chat English ("order" is rank
//   10), the rest made-up syllable words.
// - consistent with what conversations::insert_message keeps: last_message_at,
//   updated_at, unread_count, preview_id, first_response_at, channel; the
//   message_threads table holds every message and thread_progress its newest id
//   (migration 0011's watermark), search_changes is empty, and the search index
//   (switchboard.search.db) is built by store::search_index from the file.
// - reports (issue 21): what the daemon's report writer (services::report_log)
//   would have written with each message and status change, for a workspace with
//   the default report settings (time zone UTC, no business hours, so business
//   seconds are wall seconds): report_events (conversation_created, first_response,
//   reply, resolved; no reopened, as no conversation is reopened here), the
//   report_rollups day rows of every scope (workspace, team, teammate, channel; no
//   conversation has a line, so no number rows), the workspace's "hour" rows, the
//   message_in/message_out counts, and report_conversation_state. The timeline is
//   replayed in time order through the routing library's plans (report_writer
//   below) and the rollups summed in memory a day at a time, then inserted.
//
// It prints "key=value" lines for the bench (query words, a contact's name and
// phone, the big thread's id, a team id and a label, and the reports' last 90
// days REPORT_FROM..REPORT_TO) and writes them to DIR/dataset.env.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "switchboard/auth/password.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/routing/reports.hpp"
#include "switchboard/store/migrations.hpp"
#include "switchboard/store/search_index.hpp"
#include "switchboard/store/sqlite.hpp"
#include "switchboard/store/workspaces.hpp"

namespace fs = std::filesystem;
namespace sb = switchboard;
namespace st = switchboard::store;
namespace rt = switchboard::routing;

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

std::string stamp(std::int64_t ms) {
  return sb::format_rfc3339(sb::sys_time(std::chrono::milliseconds(ms)));
}

const char* const common_words[] = {
    "the", "to", "you", "i", "a", "is", "my", "and", "for", "order", "it", "your", "we", "can", "please",
    "thanks", "hi", "on", "of", "this", "be", "have", "in", "will", "me", "with", "that", "not", "at",
    "do", "are", "hello", "delivery", "thank", "today", "when", "get", "was", "just", "what", "help",
    "account", "if", "so", "no", "yes", "package", "tomorrow", "there", "refund", "payment", "time",
    "know", "an", "would", "need", "still", "ok", "from", "let", "could", "should", "appointment",
    "number", "back", "am", "sure", "call", "send", "like", "now", "received", "problem", "check",
    "soon", "email", "address", "update", "card", "morning", "working", "issue", "please", "tracking",
    "invoice", "schedule", "store", "week", "price", "minutes", "again", "phone", "return", "item",
    "available", "confirm", "shipping", "arrived", "missing", "wrong", "size", "exchange", "cancel",
    "subscription", "login", "password", "reset", "great", "perfect", "sorry", "wait", "waiting", "hour",
    "hours", "day", "days", "monday", "friday", "weekend", "reply", "message", "text", "link", "app",
    "website", "discount", "code", "coupon", "charge", "charged", "twice", "bank", "transfer", "balance",
    "plan", "upgrade", "service", "technician", "visit", "window", "door", "driver", "box", "damaged",
    "photo", "picture", "receipt", "warranty", "repair", "replacement"};

const char* const syllables[] = {"ka", "lo", "mi", "ne", "su", "ta", "vo", "ri", "be", "do", "fa", "gu",
                                 "ho", "ji", "ku", "la", "mo", "nu", "pe", "qui", "ra", "se", "ti", "ul",
                                 "ve", "wa", "xo", "ya", "zu", "bri", "cha", "dre", "flo", "gra", "ple", "sto"};

const char* const first_names[] = {
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
    "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra",
    "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
    "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Dorothy", "George", "Melissa", "Timothy", "Deborah",
    "Ronald", "Stephanie", "Edward", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia",
    "Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Anna",
    "Stephen", "Brenda", "Larry", "Pamela", "Justin", "Emma", "Scott", "Nicole", "Brandon", "Helen",
    "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Alexander", "Debra", "Frank",
    "Rachel", "Patrick", "Carolyn", "Raymond", "Janet", "Jack", "Catherine", "Dennis", "Maria", "Jerry",
    "Heather", "Tyler", "Diane", "Aaron", "Ruth", "Jose", "Julie", "Adam", "Olivia", "Nathan", "Joyce",
    "Henry", "Virginia", "Douglas", "Victoria", "Zachary", "Kelly", "Peter", "Lauren", "Kyle", "Christina",
    "Ethan", "Joan", "Walter", "Evelyn", "Noah", "Judith", "Jeremy", "Megan", "Christian", "Andrea",
    "Keith", "Cheryl", "Roger", "Hannah", "Terry", "Jacqueline", "Gerald", "Martha", "Harold", "Gloria",
    "Sean", "Teresa", "Austin", "Ann", "Carl", "Sara", "Arthur", "Madison", "Lawrence", "Frances", "Dylan",
    "Kathryn", "Jesse", "Janice", "Jordan", "Jean", "Bryan", "Abigail", "Billy", "Alice", "Joe", "Judy",
    "Bruce", "Sophia", "Gabriel", "Grace", "Logan", "Denise", "Albert", "Amber", "Willie", "Doris", "Alan",
    "Marilyn", "Juan", "Danielle", "Wayne", "Beverly", "Elijah", "Isabella", "Randy", "Theresa", "Roy",
    "Diana", "Vincent", "Natalie", "Ralph", "Brittany", "Eugene", "Charlotte", "Russell", "Marie", "Bobby",
    "Kayla", "Mason", "Alexis", "Philip", "Lori"};

const char* const last_syllables[] = {"son", "man", "ley", "ton", "ford", "wood", "field", "berg", "stein", "ez",
                                      "ski", "er", "well", "by", "more", "land", "ridge", "worth", "shaw", "ham"};
const char* const last_roots[] = {"Ander", "Bar", "Carl", "Dal", "Ell", "Fair", "Gold", "Har", "Ives", "Jen",
                                  "Kirk", "Lind", "Mor", "Nor", "Ost", "Pen", "Quin", "Ros", "Stan", "Thorn"};

const char* const team_names[] = {"Support", "Sales", "Billing", "Returns", "VIP", "Onboarding", "Field",
                                  "Partners"};
const char* const label_names[] = {"vip", "billing", "bug", "refund", "shipping", "urgent", "feedback",
                                   "lead"};

struct args {
  std::string dir;
  std::int64_t conversations = 1'000'000, messages = 20'000'000, big_thread = 10'000;
  int teammates = 50, teams = 5, vocabulary = 30'000;
  double zipf = 1.07;
  unsigned seed = 17;
  std::string email = "bench@example.com", password = "bench-password";
};

// Zipf over ranks 1..n: the cumulative distribution, sampled by binary search.
struct zipf_table {
  std::vector<double> cdf;
  zipf_table(int n, double s) : cdf(static_cast<std::size_t>(n)) {
    double sum = 0;
    for (int r = 1; r <= n; ++r) cdf[static_cast<std::size_t>(r - 1)] = (sum += 1.0 / std::pow(r, s));
    for (auto& c : cdf) c /= sum;
  }
  std::size_t sample(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
  }
};

std::vector<std::string> make_vocabulary(int n, std::mt19937_64& rng) {
  std::vector<std::string> words;
  std::map<std::string, bool> taken;
  for (auto w : common_words)
    if (taken.emplace(w, true).second) words.emplace_back(w);
  constexpr int n_syll = sizeof(syllables) / sizeof(*syllables);
  while (static_cast<int>(words.size()) < n) {
    int parts = 2 + static_cast<int>(rng() % 3);
    std::string w;
    for (int i = 0; i < parts; ++i) w += syllables[rng() % n_syll];
    if (taken.emplace(w, true).second) words.push_back(std::move(w));
  }
  return words;
}

struct event {
  std::int64_t at;  // ms since the epoch
  std::int32_t conv;  // 0-based
  std::int32_t seq;   // position in its conversation
};

// What the daemon's writer (services::report_log, issue 21) would have logged for
// this timeline: the report_events rows, the daily rollups of every scope plus
// the workspace's hourly rows, and each conversation's reporting state. Every
// decision is the routing library's (plan_report_message, plan_report_change,
// rollup_deltas, open_seconds_between, local_day, local_hour); this only feeds
// it the timeline in time order and sums its rows in memory, one local day at a
// time (days only grow with time), so nothing is upserted row by row.
class report_writer {
 public:
  // The workspace's report settings as a new workspace has them: UTC, no
  // business hours (business seconds = wall seconds), no per-team schedule.
  explicit report_writer(st::database& db, std::string timezone = "UTC")
      : db_(db),
        tz_(std::move(timezone)),
        event_(db.prepare("INSERT INTO report_events(workspace_id, conversation_id, kind, at, team_id, teammate_id,"
                          " channel, number_id, wall_seconds, business_seconds, value)"
                          " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, NULL)")) {}

  struct conversation_facts {
    std::int64_t id;
    std::optional<std::int64_t> team, assignee;
    std::string channel;
  };

  // A step of a plan, logged as report_log::record does: an event row, and
  // rollup_deltas' rows for its local day (and hour, for the workspace).
  void record(const conversation_facts& c, std::string_view kind, std::int64_t at_ms,
              std::optional<std::int64_t> teammate, std::optional<rt::report_time> started) {
    const auto end = sb::sys_time(std::chrono::milliseconds(at_ms));
    std::optional<std::int64_t> wall, business;
    if (rt::is_duration_kind(kind) && started) {
      wall = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(end - *started).count());
      business = rt::open_seconds_between(std::nullopt, *started, end);
    }
    at_text_ = stamp(at_ms);
    event_.reset();
    event_.bind_all(c.id, std::string(kind), at_text_, c.team, teammate, c.channel, wall, business).run();
    ++events_;
    if (events_ % 1'000'000 == 0) {
      db_.exec("COMMIT");
      db_.exec("BEGIN");
    }
    move_to(at_ms);
    for (auto& d : rt::rollup_deltas(kind, scope(c, teammate), wall, business, std::nullopt)) {
      add(slot_of(d), 1, d.total);
      // report_log's all-time rows: the /metrics histograms and the open counts.
      if (((kind == rt::report_kind::first_response || kind == rt::report_kind::resolved) && d.metric == kind &&
           (d.dim.empty() || d.dim == "team")) ||
          d.metric == rt::report_open_metric) {
        auto& a = all_[{d.dim, d.dim_value, d.metric, d.bucket}];
        a.first += 1;
        a.second += d.total;
      }
    }
  }

  // A message counted in the rollups only (message_in/out), as message_added
  // does. The rows depend on the kind and scope alone, so they are asked of
  // rollup_deltas once per kind and scope, not once per message.
  void count(const conversation_facts& c, std::string_view kind, std::int64_t at_ms,
             std::optional<std::int64_t> teammate) {
    move_to(at_ms);
    auto key = std::string(kind) + '|' + std::to_string(c.team.value_or(0)) + '|' +
               std::to_string(teammate.value_or(0)) + '|' + c.channel;
    auto it = counts_.find(key);
    if (it == counts_.end()) {
      std::vector<slot_pair> slots;
      for (auto& d : rt::rollup_deltas(kind, scope(c, teammate), std::nullopt, std::nullopt, std::nullopt))
        slots.push_back(slot_of(d));
      it = counts_.emplace(std::move(key), std::move(slots)).first;
    }
    for (auto& s : it->second) add(s, 1, 0);
  }

  // The rows of the last day; the event rows' transaction is left to the caller.
  void finish() {
    flush();
    auto& ins = db_.prepare(
        "INSERT INTO report_rollups(workspace_id, dim, dim_value, period, metric, bucket, n, total)"
        " VALUES (1, ?1, ?2, 'all', ?3, ?4, ?5, ?6)");
    for (auto& [key, sums] : all_) {
      ins.reset();
      ins.bind_all(std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), sums.first, sums.second)
          .run();
      ++rollup_rows_;
    }
  }
  std::int64_t events() const { return events_; }
  std::int64_t rollup_rows() const { return rollup_rows_; }
  double flush_seconds() const { return flush_seconds_; }  // of which inserting the rollups

 private:
  // A rollup row without its period: the day row's slot and, for the workspace
  // scope, the "hour" row's (report_log::record adds one for dim "").
  struct slot_pair {
    std::uint32_t day, hour;
  };
  static constexpr std::uint32_t no_slot = ~0u;
  struct slot {
    std::string dim, dim_value, metric;
    std::int64_t bucket;
  };

  static rt::report_scope scope(const conversation_facts& c, std::optional<std::int64_t> teammate) {
    rt::report_scope s;
    s.team_id = c.team;
    s.teammate_id = teammate;
    s.channel = c.channel;
    return s;
  }

  slot_pair slot_of(const rt::rollup_delta& d) {
    key_.assign(d.dim).append(1, '\x1f').append(d.dim_value).append(1, '\x1f').append(d.metric);
    key_.append(1, '\x1f').append(std::to_string(d.bucket));
    auto [it, added] = slot_ids_.try_emplace(key_, slot_pair{0, no_slot});
    if (added) {
      it->second.day = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back({d.dim, d.dim_value, d.metric, d.bucket});
      if (d.dim.empty()) {
        it->second.hour = static_cast<std::uint32_t>(slots_.size());
        slots_.push_back({"hour", "", d.metric, d.bucket});
      }
    }
    return it->second;
  }

  // The local day and hour of an instant, asked of the library once per minute
  // of the timeline (every zone's offset is whole minutes); a new day writes
  // the finished one.
  void move_to(std::int64_t at_ms) {
    const std::int64_t minute = at_ms / 60'000;
    if (minute == minute_) return;
    minute_ = minute;
    const auto t = sb::sys_time(std::chrono::milliseconds(minute * 60'000));
    auto day = rt::local_day(tz_, t);
    if (day != day_) {
      flush();
      day_ = std::move(day);
    }
    auto hour = rt::local_hour(tz_, t);
    auto h = std::find(hours_.begin(), hours_.end(), hour);
    hour_ = static_cast<std::uint64_t>(h - hours_.begin()) + 1;
    if (h == hours_.end()) hours_.push_back(std::move(hour));
  }

  void add(slot_pair s, std::int64_t n, std::int64_t total) {
    auto& d = rows_[std::uint64_t{s.day} << 8];
    d.first += n;
    d.second += total;
    if (s.hour != no_slot) {
      auto& h = rows_[(std::uint64_t{s.hour} << 8) | hour_];
      h.first += n;
      h.second += total;
    }
  }

  void flush() {
    if (rows_.empty()) return;
    const auto began = clock_type::now();
    auto& ins = db_.prepare(
        "INSERT INTO report_rollups(workspace_id, dim, dim_value, period, metric, bucket, n, total)"
        " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    // In primary-key order: appending to the B-tree instead of inserting all over it.
    auto period_of = [&](std::uint64_t key) -> const std::string& {
      const auto period = key & 0xff;
      return period == 0 ? day_ : hours_[static_cast<std::size_t>(period - 1)];
    };
    sorted_.assign(rows_.begin(), rows_.end());
    std::sort(sorted_.begin(), sorted_.end(), [&](const auto& x, const auto& y) {
      const auto& a = slots_[static_cast<std::size_t>(x.first >> 8)];
      const auto& b = slots_[static_cast<std::size_t>(y.first >> 8)];
      return std::tie(a.dim, a.dim_value, period_of(x.first), a.metric, a.bucket) <
             std::tie(b.dim, b.dim_value, period_of(y.first), b.metric, b.bucket);
    });
    for (auto& [key, sums] : sorted_) {
      const auto& s = slots_[static_cast<std::size_t>(key >> 8)];
      ins.reset();
      ins.bind_all(s.dim, s.dim_value, period_of(key), s.metric, s.bucket, sums.first, sums.second).run();
    }
    rollup_rows_ += static_cast<std::int64_t>(rows_.size());
    flush_seconds_ += seconds_since(began);
    rows_.clear();
    hours_.clear();
  }

  st::database& db_;
  std::string tz_;
  st::statement& event_;
  std::string at_text_, key_, day_;
  std::vector<std::string> hours_;
  std::uint64_t hour_ = 0;
  std::int64_t minute_ = std::numeric_limits<std::int64_t>::min();
  std::vector<slot> slots_;
  std::unordered_map<std::string, slot_pair> slot_ids_;
  std::unordered_map<std::string, std::vector<slot_pair>> counts_;
  std::unordered_map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> rows_;  // slot << 8 | period
  std::vector<std::pair<std::uint64_t, std::pair<std::int64_t, std::int64_t>>> sorted_;
  std::int64_t events_ = 0, rollup_rows_ = 0;
  // All-time rows (period "all"), summed over the whole timeline.
  std::map<std::tuple<std::string, std::string, std::string, std::int64_t>, std::pair<std::int64_t, std::int64_t>> all_;
  double flush_seconds_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto eq = s.find('=');
    if (eq == std::string::npos) {
      std::cerr << "usage: bench_scale_gen dir=DIR [conversations=N] [messages=N] ... (see the source)\n";
      return 2;
    }
    auto k = s.substr(0, eq), v = s.substr(eq + 1);
    if (k == "dir") a.dir = v;
    else if (k == "conversations") a.conversations = std::stoll(v);
    else if (k == "messages") a.messages = std::stoll(v);
    else if (k == "big_thread") a.big_thread = std::stoll(v);
    else if (k == "teammates") a.teammates = std::stoi(v);
    else if (k == "teams") a.teams = std::stoi(v);
    else if (k == "vocabulary") a.vocabulary = std::stoi(v);
    else if (k == "zipf") a.zipf = std::stod(v);
    else if (k == "seed") a.seed = static_cast<unsigned>(std::stoul(v));
    else if (k == "email") a.email = v;
    else if (k == "password") a.password = v;
    else {
      std::cerr << "unknown argument " << k << "\n";
      return 2;
    }
  }
  if (a.dir.empty() || a.conversations < 10 || a.messages < a.conversations + a.big_thread || a.teammates < 1 ||
      a.teams < 1 || a.teams > 8 || a.vocabulary < 200) {
    std::cerr << "bad arguments: dir= is required, messages >= conversations + big_thread\n";
    return 2;
  }
  auto t_start = clock_type::now();
  fs::create_directories(a.dir);
  const std::string path = (fs::path(a.dir) / "switchboard.db").string();
  for (auto suffix : {"", "-wal", "-shm"}) {
    fs::remove(path + suffix);
    fs::remove(st::search_index::path_for(path) + suffix);
  }
  std::mt19937_64 rng(a.seed);
  const std::int64_t n_conv = a.conversations, n_msg = a.messages;
  const std::int64_t n_contacts = std::max<std::int64_t>(1, n_conv * 8 / 10);
  // Two years ending 2026-11-30T00:00:00Z (the last day with messages is 2026-11-29).
  const std::int64_t t1 = 1'795'996'800'000LL, t0 = t1 - 2LL * 365 * 86'400'000;

  // The timeline: conversation starts (ids in time order), messages per
  // conversation, every message's time; then all messages sorted by time.
  std::vector<std::int64_t> start(static_cast<std::size_t>(n_conv));
  for (auto& s : start) s = t0 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(t1 - t0 - 86'400'000));
  std::sort(start.begin(), start.end());
  const std::int32_t big = static_cast<std::int32_t>(n_conv / 2);  // a conversation from the middle
  start[static_cast<std::size_t>(big)] = t0 + 1000;                // … that started first
  std::vector<std::int32_t> count(static_cast<std::size_t>(n_conv), 1);
  {
    std::vector<double> cdf(static_cast<std::size_t>(n_conv));
    std::exponential_distribution<double> w(1.0);
    double sum = 0;
    for (std::int64_t c = 0; c < n_conv; ++c) cdf[static_cast<std::size_t>(c)] = (sum += (c == big ? 0 : w(rng)));
    count[static_cast<std::size_t>(big)] = static_cast<std::int32_t>(a.big_thread);
    std::uniform_real_distribution<double> u(0, sum);
    for (std::int64_t i = n_conv - 1 + a.big_thread; i < n_msg; ++i)
      ++count[static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin())];
  }
  std::vector<event> events;
  events.reserve(static_cast<std::size_t>(n_msg));
  {
    std::exponential_distribution<double> short_gap(1.0 / (20 * 60'000.0)), long_gap(1.0 / (3 * 86'400'000.0));
    const double big_gap = static_cast<double>(t1 - t0 - 60'000) / static_cast<double>(a.big_thread);
    std::vector<double> gaps;
    for (std::int32_t c = 0; c < n_conv; ++c) {
      const std::int64_t begin = start[static_cast<std::size_t>(c)];
      gaps.assign(1, 0.0);
      double span = 0;
      for (std::int32_t k = 1; k < count[static_cast<std::size_t>(c)]; ++k)
        span += gaps.emplace_back(c == big ? big_gap : (rng() % 10 == 0 ? long_gap(rng) : short_gap(rng)));
      // A conversation that would run past the end is compressed to end at a random
      // point of the time left, not piled up at the end: thousands of conversations
      // with the same last activity are no inbox's, and would make every view a tie.
      const double left = static_cast<double>(t1 - 1 - begin);
      double scale = span > left ? left * std::uniform_real_distribution<double>(0.05, 1.0)(rng) / span : 1.0;
      double at = static_cast<double>(begin);
      for (std::int32_t k = 0; k < count[static_cast<std::size_t>(c)]; ++k) {
        at += gaps[static_cast<std::size_t>(k)] * scale;
        events.push_back({static_cast<std::int64_t>(at), c, k});
      }
    }
  }
  std::sort(events.begin(), events.end(), [](const event& x, const event& y) {
    return x.at != y.at ? x.at < y.at : (x.conv != y.conv ? x.conv < y.conv : x.seq < y.seq);
  });
  std::cout << "timeline: " << events.size() << " messages over " << n_conv << " conversations in "
            << seconds_since(t_start) << " s" << std::endl;

  st::database db(path, st::database::mode::read_write);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = OFF");  // a generator: a crash means start again
  db.exec("PRAGMA foreign_keys = OFF");  // conversations are written after their messages
  db.exec("PRAGMA cache_size = -1000000");
  db.exec("PRAGMA temp_store = MEMORY");
  auto migrated = st::migrate(db, st::embedded_migrations());
  if (!migrated) {
    std::cerr << "migrate: " << migrated.err().message << "\n";
    return 1;
  }
  const std::string t0s = stamp(t0);
  const std::string hash = sb::auth::hash_password(a.password);
  db.exec("BEGIN");
  auto ws = st::workspaces::create_with_owner(db, "Bench", a.email, "Bench Admin", hash, t0s);
  if (!ws || *ws != 1) {
    std::cerr << "the data directory already has a workspace\n";
    return 1;
  }
  for (int i = 2; i <= a.teammates; ++i)
    db.prepare("INSERT INTO teammates(id, workspace_id, email, name, role, created_at, updated_at)"
               " VALUES (?1, 1, ?2, ?3, 'agent', ?4, ?4)")
        .bind_all(i, "agent" + std::to_string(i) + "@example.com", "Agent " + std::to_string(i), t0s)
        .run();
  for (int t = 1; t <= a.teams; ++t)
    db.prepare("INSERT INTO teams(id, workspace_id, name, round_robin, created_at) VALUES (?1, 1, ?2, 1, ?3)")
        .bind_all(t, team_names[t - 1], t0s)
        .run();
  for (int i = 1; i <= a.teammates; ++i)
    db.prepare("INSERT INTO team_members(workspace_id, team_id, teammate_id) VALUES (1, ?1, ?2)")
        .bind_all((i - 1) % a.teams + 1, i)
        .run();
  for (auto l : label_names)
    db.prepare("INSERT INTO labels(workspace_id, name, color, created_at) VALUES (1, ?1, '#888888', ?2)")
        .bind_all(l, t0s)
        .run();

  // Contacts: contact i (1-based) belongs to conversation i-1 for i <= n_contacts.
  auto contact_name = [](std::int64_t i) {
    std::uint64_t h = static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    constexpr std::uint64_t n_first = sizeof(first_names) / sizeof(*first_names);
    constexpr std::uint64_t n_roots = sizeof(last_roots) / sizeof(*last_roots);
    constexpr std::uint64_t n_ends = sizeof(last_syllables) / sizeof(*last_syllables);
    std::string first = first_names[h % n_first];
    std::string last = std::string(last_roots[(h >> 8) % n_roots]) + last_syllables[(h >> 16) % n_ends];
    if ((h >> 24) % 3 == 0) last += "s";  // about 200 first × 800 last names
    return first + " " + last;
  };
  auto contact_phone = [](std::int64_t i) {
    static const int areas[] = {201, 212, 213, 305, 312, 404, 415, 503, 512, 617,
                                646, 702, 713, 718, 773, 805, 818, 917, 949, 971};
    std::int64_t local = (i / 20 * 7919) % 10'000'000;
    char buf[24];
    std::snprintf(buf, sizeof buf, "+1%03d%07lld", areas[i % 20], static_cast<long long>(local));
    return std::string(buf);
  };
  {
    auto& ins = db.prepare("INSERT INTO contacts(id, workspace_id, name, email, created_at, updated_at)"
                           " VALUES (?1, 1, ?2, ?3, ?4, ?4)");
    auto& idn = db.prepare("INSERT INTO contact_identities(id, workspace_id, contact_id, kind, value, created_at)"
                           " VALUES (?1, 1, ?1, 'phone', ?2, ?3)");
    for (std::int64_t i = 1; i <= n_contacts; ++i) {
      auto name = contact_name(i);
      std::optional<std::string> email;
      if (i % 5 < 3) {
        email = name;
        std::replace(email->begin(), email->end(), ' ', '.');
        std::transform(email->begin(), email->end(), email->begin(), ::tolower);
        *email += std::to_string(i % 1000) + "@mail.example";
      }
      auto created = stamp(start[static_cast<std::size_t>(i - 1)]);
      ins.reset();  // a held statement: run() leaves it stepped
      ins.bind_all(i, name, email, created).run();
      idn.reset();
      idn.bind_all(i, contact_phone(i), created).run();
    }
  }
  db.exec("COMMIT");
  std::cout << "contacts: " << n_contacts << " at " << seconds_since(t_start) << " s" << std::endl;

  // Conversation facts, filled while the messages go in.
  std::vector<std::int32_t> contact_of(static_cast<std::size_t>(n_conv));
  std::vector<std::int16_t> assignee(static_cast<std::size_t>(n_conv)), team(static_cast<std::size_t>(n_conv));
  std::vector<std::uint8_t> channel_chat(static_cast<std::size_t>(n_conv));
  for (std::int64_t c = 0; c < n_conv; ++c) {
    auto cu = static_cast<std::size_t>(c);
    contact_of[cu] = static_cast<std::int32_t>(c < n_contacts ? c + 1 : 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n_contacts)));
    assignee[cu] = static_cast<std::int16_t>(rng() % 10 < 8 ? 1 + static_cast<int>(rng() % static_cast<unsigned>(a.teammates)) : 0);
    team[cu] = static_cast<std::int16_t>(rng() % 10 < 7 ? 1 + static_cast<int>(rng() % static_cast<unsigned>(a.teams)) : 0);
    channel_chat[cu] = rng() % 100 < 15;
  }
  std::vector<std::int64_t> last_at(static_cast<std::size_t>(n_conv), 0), preview(static_cast<std::size_t>(n_conv), 0),
      first_response(static_cast<std::size_t>(n_conv), 0);
  std::vector<std::int32_t> unread(static_cast<std::size_t>(n_conv), 0);
  // Who sent each message of the timeline (by its index in `events`), for the
  // reports pass: contact, teammate reply, or private note.
  enum : std::uint8_t { from_contact_kind, reply_kind, note_kind };
  std::vector<std::uint8_t> sent_as(events.size());

  {
    auto vocab = make_vocabulary(a.vocabulary, rng);
    zipf_table zipf(a.vocabulary, a.zipf);
    auto& ins = db.prepare(
        "INSERT INTO messages(id, workspace_id, conversation_id, direction, sender_kind, sender_id, private,"
        " channel, body, status, external_id, kind, created_at) VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " 'text', ?11)");
    db.exec("BEGIN");
    std::string body, at, sid;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      const std::int64_t id = static_cast<std::int64_t>(i) + 1;
      auto cu = static_cast<std::size_t>(e.conv);
      unsigned r = static_cast<unsigned>(rng() % 100);
      bool from_contact = e.seq == 0 || r < 55;
      bool note = !from_contact && r >= 95;
      int words = 4 + static_cast<int>(rng() % 21);
      body.clear();
      for (int w = 0; w < words; ++w) {
        if (w) body += ' ';
        const auto& word = vocab[zipf.sample(rng)];
        if (w == 0) {
          body += static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
          body.append(word, 1);
        } else {
          body += word;
        }
      }
      body += rng() % 4 == 0 ? '?' : '.';
      at = stamp(e.at);
      const char* channel = channel_chat[cu] ? "chat" : "sms";
      std::optional<std::string> external;
      if (!channel_chat[cu] && !note) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "SM%032llx", static_cast<unsigned long long>(id));
        external = buf;
      }
      std::optional<std::int64_t> sender = from_contact ? std::optional<std::int64_t>(contact_of[cu])
                                           : std::optional<std::int64_t>(assignee[cu] ? assignee[cu] : 1);
      ins.reset();
      ins.bind_all(id, static_cast<std::int64_t>(e.conv) + 1, from_contact ? "inbound" : (note ? "internal" : "outbound"),
                   from_contact ? "contact" : "teammate", sender, static_cast<std::int64_t>(note),
                   note ? "chat" : channel, body, from_contact ? "received" : (note ? "sent" : "delivered"),
                   external, at)
          .run();
      sent_as[i] = from_contact ? from_contact_kind : (note ? note_kind : reply_kind);
      last_at[cu] = e.at;
      if (!note) preview[cu] = id;
      if (from_contact) ++unread[cu];
      else if (!note) {
        unread[cu] = 0;
        if (!first_response[cu]) first_response[cu] = e.at;
      }
      if (id % 1'000'000 == 0) {
        db.exec("COMMIT");
        db.exec("BEGIN");
        std::cout << "messages: " << id << " at " << seconds_since(t_start) << " s" << std::endl;
      }
    }
    db.exec("COMMIT");
    std::ofstream env(fs::path(a.dir) / "dataset.env");
    auto put = [&](const std::string& k, const std::string& v) {
      std::cout << k << "=" << v << "\n";
      env << k << "=" << v << "\n";
    };
    put("COMMON_WORD", vocab[9]);  // "order": about one message in ten
    put("RARE_WORD", vocab[static_cast<std::size_t>(a.vocabulary * 2 / 3)]);
    std::int64_t someone = n_contacts / 3 + 1;
    put("CONTACT_NAME", contact_name(someone));
    auto phone = contact_phone(n_contacts / 4 + 1);
    put("PHONE", phone.substr(2, 3) + "-" + phone.substr(5, 3) + "-" + phone.substr(8));  // typed, 415-555-0123
    put("BIG_THREAD", std::to_string(big + 1));
    put("TEAM", "1");
    put("LABEL", label_names[0]);
    put("CONVERSATIONS", std::to_string(n_conv));
    put("MESSAGES", std::to_string(n_msg));
  }
  std::cout << "messages done at " << seconds_since(t_start) << " s" << std::endl;

  std::vector<std::uint8_t> resolved(static_cast<std::size_t>(n_conv), 0);
  db.exec("BEGIN");
  {
    auto& ins = db.prepare(
        "INSERT INTO conversations(id, workspace_id, contact_id, status, assignee_id, priority, snoozed_until,"
        " last_message_at, created_at, updated_at, team_id, channel, first_response_at, resolved_at, unread_count,"
        " preview_id) VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?9, ?10, ?11, ?12, ?13, ?14)");
    auto& lab = db.prepare("INSERT INTO conversation_labels(workspace_id, conversation_id, label) VALUES (1, ?1, ?2)");
    const std::int64_t week = 7LL * 86'400'000;
    for (std::int64_t c = 0; c < n_conv; ++c) {
      auto cu = static_cast<std::size_t>(c);
      unsigned r = static_cast<unsigned>(rng() % 100);
      const char* status;
      if (last_at[cu] > t1 - week) status = r < 60 ? "open" : r < 80 ? "pending" : r < 85 ? "snoozed" : "resolved";
      else status = r < 7 ? "open" : r < 10 ? "pending" : "resolved";
      std::string status_s = status;
      std::optional<std::string> snoozed, resolved_at, first;
      if (status_s == "snoozed") snoozed = stamp(t1 + 86'400'000);
      if (status_s == "resolved") {
        resolved[cu] = 1;
        resolved_at = stamp(last_at[cu] + 60'000);
      }
      if (first_response[cu]) first = stamp(first_response[cu]);
      const char* priority = r % 20 == 0 ? "high" : (r % 50 == 1 ? "urgent" : "normal");
      std::optional<std::int64_t> who, in_team, prev;
      if (assignee[cu]) who = assignee[cu];
      if (team[cu]) in_team = team[cu];
      if (preview[cu]) prev = preview[cu];
      ins.reset();
      ins.bind_all(c + 1, static_cast<std::int64_t>(contact_of[cu]), status_s, who, std::string(priority), snoozed,
                   stamp(last_at[cu]), stamp(start[cu]), in_team, std::string(channel_chat[cu] ? "chat" : "sms"),
                   first, resolved_at, static_cast<std::int64_t>(unread[cu]), prev)
          .run();
      unsigned lr = static_cast<unsigned>(rng() % 100);
      lab.reset();
      if (lr < 30) lab.bind_all(c + 1, label_names[rng() % 8]).run();
      if (lr < 5) {
        db.prepare("INSERT OR IGNORE INTO conversation_labels(workspace_id, conversation_id, label) VALUES (1, ?1, ?2)")
            .bind_all(c + 1, label_names[rng() % 8])
            .run();
      }
    }
  }
  db.exec("COMMIT");
  std::cout << "conversations done at " << seconds_since(t_start) << " s" << std::endl;

  // Reports (issue 21): the timeline replayed in time order through the writer's
  // plans. A conversation is created (status open) with its first message, keeps
  // its team, assignee and channel, and one that ends resolved is resolved a
  // minute after its last message (its resolved_at above); none is reopened,
  // since the generator decides a status once, at the end.
  {
    auto at_ms = [](std::int64_t ms) { return sb::sys_time(std::chrono::milliseconds(ms)); };
    std::vector<std::int32_t> by_start(static_cast<std::size_t>(n_conv)), by_resolve;
    std::iota(by_start.begin(), by_start.end(), 0);
    std::stable_sort(by_start.begin(), by_start.end(), [&](std::int32_t x, std::int32_t y) {
      return start[static_cast<std::size_t>(x)] < start[static_cast<std::size_t>(y)];
    });
    for (std::int32_t c = 0; c < n_conv; ++c)
      if (resolved[static_cast<std::size_t>(c)]) by_resolve.push_back(c);
    auto resolve_at = [&](std::int32_t c) { return last_at[static_cast<std::size_t>(c)] + 60'000; };
    std::stable_sort(by_resolve.begin(), by_resolve.end(),
                     [&](std::int32_t x, std::int32_t y) { return resolve_at(x) < resolve_at(y); });
    // Each conversation's reporting state (report_conversation_state), 0 for unset.
    std::vector<std::int64_t> waiting(static_cast<std::size_t>(n_conv), 0), opened(static_cast<std::size_t>(n_conv), 0);
    std::vector<std::uint8_t> responded(static_cast<std::size_t>(n_conv), 0);
    auto state_of = [&](std::size_t cu) {
      rt::report_state s;
      if (waiting[cu]) s.waiting_since = at_ms(waiting[cu]);
      if (opened[cu]) s.opened_at = at_ms(opened[cu]);
      s.responded = responded[cu] != 0;
      return s;
    };
    auto keep = [&](std::size_t cu, const rt::report_state& s) {
      auto ms = [](const std::optional<rt::report_time>& t) {
        return t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() : 0;
      };
      waiting[cu] = ms(s.waiting_since);
      if (s.opened_at) opened[cu] = ms(s.opened_at);
      responded[cu] = s.responded;
    };
    auto facts_of = [&](std::size_t cu) {
      report_writer::conversation_facts f;
      f.id = static_cast<std::int64_t>(cu) + 1;
      if (team[cu]) f.team = team[cu];
      if (assignee[cu]) f.assignee = assignee[cu];
      f.channel = channel_chat[cu] ? "chat" : "sms";
      return f;
    };
    report_writer log(db);
    db.exec("BEGIN");
    std::size_t ci = 0, mi = 0, ri = 0;
    constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();
    while (ci < by_start.size() || mi < events.size() || ri < by_resolve.size()) {
      // At the same instant: created, then its messages, then resolved.
      const std::int64_t tc = ci < by_start.size() ? start[static_cast<std::size_t>(by_start[ci])] : never;
      const std::int64_t tm = mi < events.size() ? events[mi].at : never;
      const std::int64_t tr = ri < by_resolve.size() ? resolve_at(by_resolve[ri]) : never;
      if (tc <= tm && tc <= tr) {
        auto cu = static_cast<std::size_t>(by_start[ci++]);
        // report_log::conversation_created: opened now, the assignee's event.
        opened[cu] = start[cu];
        auto f = facts_of(cu);
        log.record(f, rt::report_kind::created, start[cu], f.assignee, std::nullopt);
      } else if (tm <= tr) {
        const auto& e = events[mi];
        auto cu = static_cast<std::size_t>(e.conv);
        const auto who = sent_as[mi++];
        rt::report_message_facts m;
        m.sender_kind = who == from_contact_kind ? "contact" : "teammate";
        m.direction = who == from_contact_kind ? "inbound" : (who == note_kind ? "internal" : "outbound");
        m.kind = "text";
        m.is_private = who == note_kind;
        m.at = at_ms(e.at);
        auto plan = rt::plan_report_message(state_of(cu), m);
        if (!plan.count && plan.steps.empty()) continue;
        // report_log::message_added: a reply is the replier's (the message's
        // sender: the assignee, or the owner when unassigned), the rest the assignee's.
        auto f = facts_of(cu);
        std::optional<std::int64_t> replier = f.assignee;
        if (who != from_contact_kind) replier = f.assignee.value_or(1);
        if (plan.count) log.count(f, *plan.count, e.at, replier);
        for (auto& step : plan.steps) log.record(f, step.kind, e.at, replier, step.started);
        keep(cu, plan.next);
      } else {
        auto cu = static_cast<std::size_t>(by_resolve[ri++]);
        auto f = facts_of(cu);
        auto plan = rt::plan_report_change(state_of(cu), "open", "resolved", at_ms(resolve_at(static_cast<std::int32_t>(cu))));
        for (auto& step : plan.steps) log.record(f, step.kind, resolve_at(static_cast<std::int32_t>(cu)), f.assignee, step.started);
        keep(cu, plan.next);
      }
    }
    log.finish();
    auto& st_ins = db.prepare(
        "INSERT INTO report_conversation_state(workspace_id, conversation_id, waiting_since, opened_at, responded)"
        " VALUES (1, ?1, ?2, ?3, ?4)");
    for (std::int64_t c = 0; c < n_conv; ++c) {
      auto cu = static_cast<std::size_t>(c);
      std::optional<std::string> since;
      if (waiting[cu]) since = stamp(waiting[cu]);
      st_ins.reset();
      st_ins.bind_all(c + 1, since, stamp(opened[cu]), static_cast<std::int64_t>(responded[cu])).run();
    }
    db.exec("COMMIT");
    std::cout << "reports: " << log.events() << " events, " << log.rollup_rows() << " rollup rows (inserted in "
              << log.flush_seconds() << " s) done at " << seconds_since(t_start) << " s" << std::endl;
    // The bench's report range: the last 90 local days of the timeline.
    const std::string report_to = rt::local_day("UTC", at_ms(t1 - 1));
    std::string report_from = report_to;
    while (rt::days_between(report_from, report_to).value_or(0) < 89)
      report_from = rt::local_day("UTC", rt::local_day_start("UTC", report_from) - std::chrono::hours(12));
    std::ofstream env(fs::path(a.dir) / "dataset.env", std::ios::app);
    for (auto [k, v] : {std::pair{"REPORT_FROM", report_from}, std::pair{"REPORT_TO", report_to}}) {
      std::cout << k << "=" << v << "\n";
      env << k << "=" << v << "\n";
    }
  }
  // The thread table as migration 0011 builds it, and its watermark at the newest message.
  db.exec("BEGIN");
  db.exec("INSERT INTO message_threads(workspace_id, conversation_id, message_id)"
          " SELECT workspace_id, conversation_id, id FROM messages ORDER BY 1, 2, 3");
  db.exec("UPDATE thread_progress SET last_id = (SELECT coalesce(max(id), 0) FROM messages) WHERE id = 1");
  db.exec("COMMIT");
  std::cout << "message_threads done at " << seconds_since(t_start) << " s" << std::endl;
  // No ANALYZE: the daemon never runs it, so plans here are the ones it would use.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");

  // The search index, by the daemon's own indexer, in big transactions.
  {
    st::search_index_options o;
    o.path = st::search_index::path_for(path);
    o.store_path = path;
    o.delay = std::chrono::milliseconds(0);
    o.max_rows = 200'000;
    st::search_index index(o);
    std::promise<sb::result<void>> done;
    index.flush([&](sb::result<void> r) { done.set_value(std::move(r)); });
    auto r = done.get_future().get();
    if (!r) {
      std::cerr << "search index: " << r.err().message << "\n";
      return 1;
    }
    index.stop();
  }
  std::cout << "search index done at " << seconds_since(t_start) << " s" << std::endl;
  std::cout << "total " << seconds_since(t_start) << " s" << std::endl;
  return 0;
}
