// The knowledge base's search (issue 20), through the store's own repositories:
//  1. retrieval quality on the sample help center (tests/data/kb): each of the 60
//     questions searched as the answer bot searches it; top-1 and top-3 printed;
//  2. search latency with 10,000 published articles (the 40 sample articles and
//     9,960 made from their sentences and words, deterministic): p50/p95 of a
//     help-center search (every word, prefix while typing) and of a question (any
//     word), sequential, after a warm-up.
// Usage: bench_kb SOURCE_DIR [postgres-url]   (SQLite in a temp dir without a URL)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <unistd.h>

#include "switchboard/kb/markdown.hpp"
#include "switchboard/kb/retrieval.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/store/store.hpp"

namespace st = switchboard::store;
using json = nlohmann::json;

namespace {

json load(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/tests/data/kb/" + name);
  if (!in) throw std::runtime_error("cannot read " + name);
  return json::parse(in);
}

template <class F>
void write(st::store& s, F f) {
  auto r = s.write_sync([&](st::unit_of_work& u) { f(u); });
  if (!r) throw std::runtime_error(r.err().message);
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_kb SOURCE_DIR [postgres-url]\n";
    return 2;
  }
  const std::string src = argv[1];
  st::store_options o;
  std::filesystem::path tmp;
  std::string backend = "sqlite";
  if (argc > 2) {
    backend = "postgres";
    o.backend = "postgres";
    o.postgres_url = argv[2];
  } else {
    tmp = std::filesystem::temp_directory_path() / ("sbkb-" + std::to_string(::getpid()));
    std::filesystem::create_directories(tmp);
    o.path = (tmp / "kb.db").string();
  }
  auto opened = st::store::open(o);
  if (!opened) {
    std::cerr << opened.err().message << "\n";
    return 1;
  }
  auto& s = **opened;
  const std::string at = "2026-12-01T00:00:00Z";
  st::id_t ws = 0;
  write(s, [&](st::unit_of_work& u) {
    ws = u.workspaces().create_with_owner("Bench", "bench@example.com", "Bench", "hash", at).value_or(0);
  });
  if (!ws) {
    std::cerr << "the database already has a workspace: use an empty one\n";
    return 1;
  }
  auto collections = load(src, "collections.json");
  auto articles = load(src, "articles.json");
  auto questions = load(src, "questions.json");
  std::map<std::string, st::id_t> cid;
  std::vector<std::string> sentences, words;
  write(s, [&](st::unit_of_work& u) {
    for (auto& c : collections) {
      st::kb::collection row;
      row.workspace_id = ws;
      row.name = c["name"];
      row.slug = c["slug"];
      if (c["parent"].is_string()) row.parent_id = cid.at(c["parent"]);
      row.created_at = row.updated_at = at;
      cid[row.slug] = u.articles().insert_collection(row);
    }
  });
  auto add = [&](st::unit_of_work& u, const std::string& slug, const std::string& title, const std::string& body,
                 st::id_t collection) {
    st::kb::article row;
    row.workspace_id = ws;
    row.collection_id = collection;
    row.title = title;
    row.slug = slug;
    row.body = body;
    row.body_html = switchboard::kb::render_html(body);
    row.body_text = switchboard::kb::plain_text(body);
    row.excerpt = switchboard::kb::excerpt(body);
    row.status = "published";
    row.created_at = row.updated_at = at;
    u.articles().insert(row);
  };
  write(s, [&](st::unit_of_work& u) {
    for (auto& a : articles) add(u, a["slug"], a["title"], a["body"], cid.at(a["collection"]));
  });
  for (auto& a : articles)
    for (auto& p : switchboard::kb::passages(a["body"].get<std::string>())) {
      sentences.push_back(p.text);
      for (auto& w : switchboard::kb::question_terms(p.text)) words.push_back(w);
    }

  // 1. Retrieval quality.
  int top1 = 0, top3 = 0;
  auto ask = [&](const std::string& text, bool any, bool prefix) {
    st::kb::article_query q;
    q.words = any ? switchboard::kb::question_terms(text) : std::vector<std::string>{};
    if (!any) {
      std::string w;
      for (char ch : text + " ")
        if (ch == ' ') {
          if (!w.empty()) q.words.push_back(w);
          w.clear();
        } else {
          w += ch;
        }
    }
    q.match_all = !any;
    q.prefix_last = prefix;
    q.fix_typos = !any;  // as services::search_articles asks for a search box
    q.limit = any ? 3 : 10;
    auto r = s.read_sync([&](st::unit_of_work& u) { return u.articles().search(ws, q); });
    if (!r) throw std::runtime_error(r.err().message);
    return *r;
  };
  for (auto& q : questions) {
    auto hits = ask(q["question"], true, false);
    if (!hits.empty() && hits[0].a.slug == q["expected"]) ++top1;
    for (auto& h : hits) top3 += h.a.slug == q["expected"] ? 1 : 0;
  }
  std::printf("%s: retrieval on the sample (40 articles, 60 questions): top-1 %d/60 (%.0f%%), top-3 %d/60 (%.0f%%)\n",
              backend.c_str(), top1, top1 * 100.0 / 60, top3, top3 * 100.0 / 60);

  // 2. 10,000 articles.
  std::mt19937 rng(20);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const int extra = 10000 - static_cast<int>(articles.size());
  for (int batch = 0; batch < extra; batch += 500)
    write(s, [&](st::unit_of_work& u) {
      for (int i = batch; i < std::min(extra, batch + 500); ++i) {
        std::string title = pick(words) + " " + pick(words) + " " + pick(words);
        std::string body = "## " + pick(words) + "\n\n" + pick(sentences) + "\n\n" + pick(sentences) + "\n\n" +
                           pick(sentences) + "\n";
        add(u, "gen-" + std::to_string(i), title, body, cid.begin()->second);
      }
    });
  std::vector<std::string> searches = {"reset router", "wifi pass", "bill", "cancel service", "port forw",
                                       "outage credit", "two step", "parental controls", "autopay", "dvr"};
  for (int warm = 0; warm < 20; ++warm) ask(searches[warm % searches.size()], false, true);
  std::vector<double> box, bot;
  for (int round = 0; round < 20; ++round) {
    for (auto& q : searches) {
      auto t0 = std::chrono::steady_clock::now();
      ask(q, false, true);
      box.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    for (int i = 0; i < 10; ++i) {
      auto& q = questions[(round * 10 + i) % questions.size()]["question"];
      auto t0 = std::chrono::steady_clock::now();
      ask(q, true, false);
      bot.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  std::printf("%s: 10,000 articles: search box (every word, prefix) p50 %.2f ms p95 %.2f ms; question (any word) "
              "p50 %.2f ms p95 %.2f ms; target p95 < 20 ms\n",
              backend.c_str(), pct(box, 0.5), pct(box, 0.95), pct(bot, 0.5), pct(bot, 0.95));
  // 3. Misspelt search-box queries: each misspelt word looked up and corrected first.
  std::vector<std::string> typos = {"reset ruoter", "wifi pasword", "bil", "cancle service", "port froward",
                                    "outage credti", "two stpe", "parentl controls", "autopya", "dvr recording"};
  std::vector<double> fixed;
  int found = 0;
  for (int round = 0; round < 20; ++round)
    for (auto& q : typos) {
      auto t0 = std::chrono::steady_clock::now();
      found += ask(q, false, false).empty() ? 0 : 1;
      fixed.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  std::printf("%s: 10,000 articles: misspelt search box (every word) p50 %.2f ms p95 %.2f ms; %d/10 find articles\n",
              backend.c_str(), pct(fixed, 0.5), pct(fixed, 0.95), found / 20);
  s.stop();
  if (!tmp.empty()) std::filesystem::remove_all(tmp);
  return 0;
}
