/* Switchboard website chat widget. Embed on any page:
 *   <script src="https://HOST/widget.js" data-workspace="ID" async></script>
 * Commands (queued in window.Switchboard.q when called before this loads):
 *   Switchboard('identify', {external_id, email, name, user_hash})
 *   Switchboard('track', name, props)   Switchboard('open')   Switchboard('shutdown')
 * Two tabs: the chat, and Help (the published help-center articles, searched as
 * the visitor types; the chat composer suggests some too).
 * Everything renders inside a Shadow DOM, so no style leaks either way.
 * No dependencies; talks to the server this script was loaded from. */
(function () {
  'use strict';
  var w = window, d = document;
  if (w.__switchboardWidget) return;
  w.__switchboardWidget = true;

  var script = d.currentScript || (function () {
    var all = d.querySelectorAll('script[src*="widget.js"]');
    return all[all.length - 1];
  })();
  if (!script) return;
  var base = new URL(script.src, d.baseURI).origin;
  var workspace = script.getAttribute('data-workspace') || '1';
  var KEY = 'switchboard.visitor.' + workspace;
  var pending = (w.Switchboard && w.Switchboard.q) || [];

  var st = {
    token: null, expires: 0, visitor: null, settings: {}, user: null,
    conv: null, msgs: [], seen: {}, outbox: [], sending: false,
    unread: 0, open: false, agent: null, ws: null, tries: 0, timer: null, ping: null,
    typingTimer: null, lastTyping: 0, dead: false, starting: null, asked: false, media: {}, csat: {},
  };

  // ---- storage (a blocked localStorage must not break the widget) ----
  function load(k) { try { return w.localStorage.getItem(k); } catch (e) { return null; } }
  function save(k, v) { try { if (v == null) w.localStorage.removeItem(k); else w.localStorage.setItem(k, v); } catch (e) { /* private mode */ } }

  // ---- DOM ----
  var host = d.createElement('div');
  host.id = 'switchboard-widget';
  host.setAttribute('data-state', 'starting');
  var root = host.attachShadow({ mode: 'open' });
  var css = [
    ':host{all:initial;--c:#2563eb;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111}',
    '*{box-sizing:border-box;font:inherit}',
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}',
    '.launcher svg{width:26px;height:26px;fill:currentColor}',
    '.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;line-height:20px;text-align:center}',
    '.panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}',
    '[hidden]{display:none!important}',
    'header{background:var(--c);color:#fff;padding:12px 14px;display:flex;align-items:flex-start;gap:8px}',
    'header .t{flex:1}header h2{margin:0;font-size:16px;font-weight:600}header p{margin:2px 0 0;font-size:12px;opacity:.9}',
    'button{cursor:pointer}',
    '.x{background:none;border:0;color:#fff;font-size:22px;line-height:1;padding:2px 6px;border-radius:4px}',
    'button:focus-visible,textarea:focus-visible,input:focus-visible,a:focus-visible,h3:focus-visible{outline:2px solid #f59e0b;outline-offset:2px}',
    '.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px;background:#f8fafc}',
    '.m{max-width:80%;padding:8px 10px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}',
    '.in{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}',
    '.out{align-self:flex-start;background:#e5e7eb;border-bottom-left-radius:4px}',
    '.who{display:block;font-size:11px;opacity:.75;margin-bottom:2px}',
    '.quick{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start}.quick button{border:1px solid var(--c);background:#fff;color:#111;border-radius:14px;padding:4px 10px;font-size:13px}',
    '.csat{display:flex;flex-direction:column;gap:6px;margin-top:6px}.stars{display:flex;gap:4px}.star{min-width:32px;min-height:32px;border:1px solid var(--c);background:#fff;color:#111;border-radius:6px;cursor:pointer}.star[aria-pressed=true]{background:var(--c);color:#fff}.csat-send{align-self:flex-start;border:0;background:var(--c);color:#fff;border-radius:6px;padding:6px 10px;cursor:pointer}.csat-error{color:#b91c1c;font-size:12px}.csat-done{display:block;margin-top:4px;font-style:italic}',
    '.src{display:block;margin-top:4px;background:none;border:0;padding:0;color:inherit;text-decoration:underline;text-align:left}',
    '.pending{opacity:.6}.failed{outline:1px solid #dc2626}',
    '.note{font-size:12px;color:#555;padding:0 12px 4px;min-height:18px}',
    '.status{font-size:12px;color:#b45309;padding:4px 12px}',
    'form{display:flex;gap:6px;padding:8px;border-top:1px solid #e5e7eb;background:#fff}',
    'textarea,input{flex:1;resize:none;border:1px solid #cbd5e1;border-radius:8px;padding:8px;min-height:38px;max-height:120px;color:#111;background:#fff}',
    '.send{border:0;border-radius:8px;background:var(--c);color:#fff;padding:0 14px}',
    '.attach{border:1px solid #cbd5e1;border-radius:8px;background:#fff;color:#111;padding:0 10px;font-size:18px}',
    '.media{display:block;margin-top:4px}.media img,.media video{display:block;max-width:100%;max-height:220px;border-radius:8px}.media audio{max-width:100%}',
    '.media a{color:inherit;text-decoration:underline}',
    '.ask{flex-direction:column;align-items:stretch}.ask label{font-size:12px;color:#333}.ask div{display:flex;gap:6px}',
    '.away{margin:0;font-size:13px;color:#111}',
    '.tabs{display:flex;background:#fff;border-bottom:1px solid #e5e7eb}',
    '.tabs button{flex:1;border:0;border-bottom:2px solid transparent;background:none;padding:8px;color:#4b5563}',
    '.tabs button[aria-selected=true]{border-bottom-color:var(--c);color:#111;font-weight:600}',
    '.pane{flex:1;display:flex;flex-direction:column;min-height:0}',
    '.help{overflow-y:auto;background:#f8fafc}',
    '.search{border:0;border-bottom:1px solid #e5e7eb}',
    '.rt{margin:0;padding:10px 12px 0;font-size:12px;font-weight:600;color:#4b5563}',
    '.hits{list-style:none;margin:0;padding:0 8px 10px}',
    '.hit{display:block;width:100%;text-align:left;border:1px solid #e5e7eb;border-radius:8px;background:#fff;color:#111;padding:8px 10px;margin-top:6px}',
    '.hit:hover{border-color:var(--c)}.ht{display:block;font-weight:600}.hx{display:block;font-size:12px;color:#4b5563;margin-top:2px}',
    '.art{padding:10px 14px 16px}.art h3{margin:6px 0 8px;font-size:17px;font-weight:600}',
    '.back{border:0;background:none;color:var(--c);padding:2px 0}.back::before{content:"\\2190  "}',
    '.ab{line-height:1.5;overflow-wrap:anywhere}.ab strong,.ab b,.ab th{font-weight:700}.ab em,.ab i{font-style:italic}',
    '.ab h1,.ab h2,.ab h3,.ab h4{font-size:15px;font-weight:600;margin:14px 0 6px}.ab code,.ab pre{font-family:ui-monospace,monospace;font-size:13px}',
    '.ab pre{overflow-x:auto;background:#f1f5f9;padding:8px;border-radius:6px}.ab img{max-width:100%;height:auto}.ab a,.ext{color:var(--c)}',
    '.ab table{border-collapse:collapse}.ab td,.ab th{border:1px solid #e5e7eb;padding:3px 6px}.ab blockquote{margin:0;padding-left:10px;border-left:3px solid #e5e7eb}',
    '.ext{display:inline-block;margin-top:12px}',
    '.suggest{border-top:1px solid #e5e7eb;background:#fff;padding:6px 8px 0}.suggest p{margin:0;font-size:12px;color:#4b5563}',
    '.suggest ul{list-style:none;margin:0;padding:0}.suggest .hit{padding:5px 8px;margin-top:4px}',
    '.dx{float:right;border:0;background:none;color:#4b5563;font-size:16px;line-height:1;padding:0 4px}',
    '@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}}',
  ].join('\n');
  if (root.adoptedStyleSheets !== undefined && w.CSSStyleSheet && 'replaceSync' in CSSStyleSheet.prototype) {
    // A constructed sheet also works under a host page's strict style-src CSP.
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    var style = d.createElement('style');
    style.textContent = css;
    root.appendChild(style);
  }

  function el(tag, attrs, kids) {
    var n = d.createElement(tag);
    for (var k in attrs || {}) {
      if (attrs[k] == null) continue;
      if (k === 'text') n.textContent = attrs[k];
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), attrs[k]);
      else n.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }

  var badge = el('span', { class: 'badge', hidden: '', 'aria-hidden': 'true' });
  var icon = d.createElementNS('http://www.w3.org/2000/svg', 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('aria-hidden', 'true');
  icon.innerHTML = '<path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/>';
  var launcher = el('button', { class: 'launcher', type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false', onclick: function () { toggle(); } }, [icon, badge]);
  var title = el('h2', { id: 'sb-title', text: 'Chat with us' });
  var sub = el('p', { id: 'sb-sub' });
  var closeBtn = el('button', { class: 'x', type: 'button', 'aria-label': 'Close chat', text: '\u00d7', onclick: function () { toggle(false); } });
  var log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages', tabindex: '0' });
  var typingLine = el('div', { class: 'note', 'aria-live': 'polite' });
  var statusLine = el('div', { class: 'status', role: 'status', hidden: '' });
  var emailInput = el('input', { type: 'email', id: 'sb-email', autocomplete: 'email', placeholder: 'you@example.com' });
  // Away: when the team usually replies, and that the answer comes here. Replies are
  // never sent by email (there is no email channel): a left email only tells the team who wrote.
  var away = el('p', { class: 'away', id: 'sb-away' });
  var ask = el('form', { class: 'ask', hidden: '', 'aria-describedby': 'sb-away', onsubmit: function (e) { e.preventDefault(); leaveEmail(); } }, [
    away,
    el('label', { for: 'sb-email', text: 'Your email (optional, so the team knows who you are):' }),
    el('div', {}, [emailInput, el('button', { class: 'send', type: 'submit', text: 'Save' })]),
  ]);
  var input = el('textarea', { rows: '1', 'aria-label': 'Message', placeholder: 'Write a message…', maxlength: '4000' });
  // Visitors may attach images and PDFs (the server checks too).
  var fileInput = el('input', { type: 'file', accept: 'image/*,application/pdf', hidden: '', 'aria-label': 'Attach a file' });
  fileInput.addEventListener('change', function () {
    var files = Array.prototype.slice.call(fileInput.files || []);
    fileInput.value = '';
    files.forEach(attach);
  });
  var attachBtn = el('button', { class: 'attach', type: 'button', 'aria-label': 'Attach a file', title: 'Attach an image or PDF', text: '+', onclick: function () { fileInput.click(); } });
  var compose = el('form', { onsubmit: function (e) { e.preventDefault(); submit(); } }, [attachBtn, fileInput, input, el('button', { class: 'send', type: 'submit', text: 'Send' })]);
  // Articles suggested while the visitor writes (issue 20).
  var suggestList = el('ul');
  var suggest = el('div', { class: 'suggest', role: 'region', 'aria-labelledby': 'sb-sg', hidden: '' }, [
    el('button', { class: 'dx', type: 'button', 'aria-label': 'Hide suggestions', text: '\u00d7', onclick: function () { sg.off = true; hideSuggest(); input.focus(); } }),
    el('p', { id: 'sb-sg', text: 'These articles may help:' }), suggestList,
  ]);
  var chatPane = el('div', { class: 'pane', id: 'sb-chat', role: 'tabpanel', 'aria-labelledby': 'sb-tab-chat' }, [log, typingLine, statusLine, ask, suggest, compose]);

  // ---- the Help tab (issue 20): a search box, results, one article at a time ----
  var searchBox = el('input', { type: 'search', 'aria-label': 'Search help articles', placeholder: 'Search help articles', maxlength: '200', autocomplete: 'off' });
  var hitsTitle = el('h3', { class: 'rt', id: 'sb-rt', 'aria-live': 'polite' });
  var hits = el('ul', { class: 'hits', 'aria-labelledby': 'sb-rt' });
  var listView = el('div', {}, [el('form', { class: 'search', role: 'search', onsubmit: function (e) { e.preventDefault(); search(); } }, [searchBox]), hitsTitle, hits]);
  var artTitle = el('h3', { id: 'sb-at', tabindex: '-1' });
  var artBody = el('div', { class: 'ab' });
  var artLink = el('a', { class: 'ext', target: '_blank', rel: 'noopener', text: 'Open in help center' });
  var artView = el('article', { class: 'art', 'aria-labelledby': 'sb-at', hidden: '' }, [
    el('button', { class: 'back', type: 'button', text: 'Back', onclick: function () { back(); } }), artTitle, artBody, artLink,
  ]);
  var helpPane = el('div', { class: 'pane help', id: 'sb-help', role: 'tabpanel', 'aria-labelledby': 'sb-tab-help', hidden: '' }, [listView, artView]);
  var chatTab = el('button', { type: 'button', role: 'tab', id: 'sb-tab-chat', 'aria-selected': 'true', 'aria-controls': 'sb-chat', text: 'Chat', onclick: function () { showTab('chat'); } });
  var helpTab = el('button', { type: 'button', role: 'tab', id: 'sb-tab-help', 'aria-selected': 'false', 'aria-controls': 'sb-help', tabindex: '-1', text: 'Help', onclick: function () { showTab('help'); } });
  var tabs = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Chat or help articles' }, [chatTab, helpTab]);
  // Arrow keys, Home and End move between the tabs (one tab stop).
  tabs.addEventListener('keydown', function (e) {
    var to = { ArrowLeft: 1, ArrowRight: 1, Home: 'chat', End: 'help' }[e.key];
    if (!to) return;
    e.preventDefault();
    showTab(to === 1 ? (help.tab === 'chat' ? 'help' : 'chat') : to, true);
  });

  var panel = el('div', { class: 'panel', role: 'dialog', 'aria-labelledby': 'sb-title', 'aria-describedby': 'sb-sub', hidden: '' }, [
    el('header', {}, [el('div', { class: 't' }, [title, sub]), closeBtn]), tabs, chatPane, helpPane,
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);

  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  input.addEventListener('input', function () { sendTyping(); suggestSoon(); });
  searchBox.addEventListener('input', function () { clearTimeout(help.timer); help.timer = setTimeout(search, 250); });
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') toggle(false); });

  function mount() { if (!host.isConnected) (d.body || d.documentElement).appendChild(host); }
  if (d.body) mount(); else d.addEventListener('DOMContentLoaded', mount);

  function setState(s) { host.setAttribute('data-state', s); }
  function status(text) { statusLine.textContent = text || ''; statusLine.hidden = !text; }

  function toggle(open) {
    st.open = open === undefined ? !st.open : open;
    panel.hidden = !st.open;
    launcher.setAttribute('aria-expanded', String(st.open));
    launcher.setAttribute('aria-label', st.open ? 'Close chat' : 'Open chat');
    if (st.open) {
      st.unread = 0;
      renderBadge();
      if (help.tab === 'chat') input.focus();
      else (artView.hidden ? searchBox : artTitle).focus();
      log.scrollTop = log.scrollHeight;
    } else {
      launcher.focus();
    }
  }

  function renderBadge() {
    badge.hidden = st.unread === 0;
    badge.textContent = st.unread > 9 ? '9+' : String(st.unread);
    launcher.setAttribute('aria-label', (st.open ? 'Close chat' : 'Open chat') + (st.unread ? ' (' + st.unread + ' unread)' : ''));
  }

  function renderHeader() {
    var s = st.settings;
    if (s.color && /^#[0-9a-fA-F]{6}$/.test(s.color)) host.style.setProperty('--c', s.color);
    title.textContent = st.agent ? st.agent : (s.greeting || 'Chat with us');
    if (st.agent) sub.textContent = 'You are chatting with ' + st.agent;
    else if (s.available) sub.textContent = s.reply_time || 'We usually reply in a few minutes.';
    else sub.textContent = s.office_hours || 'We are away right now; we will reply as soon as we can.';
  }

  // ---- messages ----
  function bubble(m) {
    var mine = m.sender && m.sender.kind === 'contact';
    var kids = [];
    var bot = m.sender && m.sender.kind === 'bot';
    if (!mine && (bot || (m.sender && m.sender.name))) kids.push(el('span', { class: 'who', text: bot ? 'Answer bot' : m.sender.name }));
    if (m.body) kids.push(d.createTextNode(m.body));
    // The answer bot's source: opened here, in the Help tab.
    var art = bot && m.answer_bot && m.answer_bot.article;
    if (art && art.url) {
      var slug = art.url.split('/').pop();
      kids.push(el('button', { type: 'button', class: 'src', text: 'Read \u201c' + art.title + '\u201d', onclick: function (e) { openArticle(slug, e.currentTarget); } }));
    }
    (m.media || []).forEach(function (item) { kids.push(mediaNode(item)); });
    if (bot && m.csat) kids.push(csatNode(m));
    return el('div', { class: 'm ' + (mine ? 'in' : 'out') + (m.pending ? ' pending' : '') + (m.failed ? ' failed' : ''), 'data-id': m.id || '' }, kids);
  }
  // The CSAT survey (issue 21): five buttons, an optional comment, Send; then thanks.
  function csatNode(m) {
    var given = m.csat.rating || (st.csat[m.id] && st.csat[m.id].sent);
    if (given) return el('span', { class: 'csat-done', role: 'status', text: 'Thanks for your feedback' + (typeof given === 'number' ? ' (' + given + ' of 5)' : '') + '.' });
    var draft = st.csat[m.id] || (st.csat[m.id] = { rating: 0, comment: '', sending: false });
    var stars = [];
    for (var i = 1; i <= 5; i++) {
      (function (n) {
        stars.push(el('button', {
          type: 'button', class: 'star', 'aria-pressed': draft.rating === n ? 'true' : 'false',
          'aria-label': n === 1 ? '1 star' : n + ' stars', text: String(n),
          onclick: function () { draft.rating = n; draft.error = ''; renderLog(); focusStar(m.id, n); },
        }));
      })(i);
    }
    var box = el('div', { class: 'csat', 'data-csat': m.id }, [
      el('div', { class: 'stars', role: 'group', 'aria-label': 'Rate this conversation from 1 to 5' }, stars),
    ]);
    if (draft.rating) {
      var note = el('textarea', { class: 'csat-comment', rows: '2', maxlength: '1000', 'aria-label': 'Comment (optional)', placeholder: 'Anything to add? (optional)' });
      note.value = draft.comment;
      note.addEventListener('input', function () { draft.comment = note.value; });
      box.appendChild(note);
      box.appendChild(el('button', { type: 'button', class: 'csat-send', text: draft.sending ? 'Sending…' : 'Send feedback', disabled: draft.sending ? '' : null, onclick: function () { sendCsat(m, draft); } }));
    }
    if (draft.error) box.appendChild(el('span', { class: 'csat-error', role: 'alert', text: draft.error }));
    return box;
  }
  function focusStar(id, n) {
    var b = log.querySelector('[data-csat="' + id + '"] .star:nth-child(' + n + ')');
    if (b) b.focus();
  }
  function sendCsat(m, draft) {
    if (draft.sending || !draft.rating) return;
    draft.sending = true;
    renderLog();
    var body = { rating: draft.rating };
    if (draft.comment.trim()) body.comment = draft.comment.trim();
    call('POST', '/api/widget/v1/conversations/' + encodeURIComponent(m.conversation_id) + '/csat', body).then(function (r) {
      draft.sending = false;
      if (r.status === 200 || r.status === 409) { draft.sent = draft.rating; if (r.status === 200) m.csat.rating = draft.rating; }
      else draft.error = (r.data && r.data.error && r.data.error.message) || 'Your rating could not be sent.';
      renderLog();
    }, function () { draft.sending = false; draft.error = 'Your rating could not be sent; check your connection.'; renderLog(); });
  }
  // An attachment: fetched with the visitor's token (the page can't send it on an <img>).
  function mediaUrl(id) {
    if (!st.media[id]) {
      st.media[id] = fetch(base + '/api/widget/v1/media/' + encodeURIComponent(id), {
        headers: { Authorization: 'Bearer ' + st.token }, mode: 'cors', credentials: 'omit',
      }).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.blob();
      }).then(function (b) { return URL.createObjectURL(b); });
      st.media[id].catch(function () { delete st.media[id]; });
    }
    return st.media[id];
  }
  function mediaNode(item) {
    var box = el('span', { class: 'media' });
    if (!item.id) { box.textContent = item.pending ? 'File arriving…' : 'A file could not be received.'; return box; }
    // Images in place, audio and video with players, anything else as a download link.
    var kind = (item.content_type || '').split('/')[0];
    var node = kind === 'image' ? el('img', { alt: item.name || 'Image' })
      : kind === 'audio' || kind === 'video' ? el(kind, { controls: '', preload: 'none', title: item.name || kind })
        : el('a', { download: item.name || 'file', text: item.name || 'File' });
    box.appendChild(node);
    mediaUrl(item.id).then(function (u) { if (node.tagName === 'A') node.href = u; else node.src = u; }, function () { node.replaceWith(d.createTextNode((item.name || 'File') + ' (could not be loaded)')); });
    return box;
  }
  function attach(file) {
    status('Uploading ' + (file.name || 'file') + '…');
    ensure().then(function () {
      var headers = { 'Content-Type': file.type || 'application/octet-stream' };
      if (st.token) headers.Authorization = 'Bearer ' + st.token;
      return fetch(base + '/api/widget/v1/media?name=' + encodeURIComponent(file.name || 'file'), {
        method: 'POST', headers: headers, mode: 'cors', credentials: 'omit', body: file,
      });
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        if (r.status !== 201) { status((data && data.error && data.error.message) || 'The file could not be sent.'); return; }
        status('');
        var m = { body: '', media_ids: [data.id], media: [data], pending: true, sender: { kind: 'contact' } };
        st.msgs.push(m);
        st.outbox.push(m);
        renderLog();
        flush();
      });
    }, function () { status('The file could not be sent; check your connection.'); });
  }
  function renderLog() {
    var nodes = st.msgs.map(bubble);
    if (!nodes.length && st.settings.greeting) nodes.push(el('div', { class: 'm out', text: st.settings.greeting }));
    // After the answer bot's answer, the two replies it understands best.
    var last = st.msgs[st.msgs.length - 1];
    if (last && last.answer_bot && last.answer_bot.step === 'answer') {
      nodes.push(el('div', { class: 'quick', role: 'group', 'aria-label': 'Did that answer your question?' }, [
        el('button', { type: 'button', text: 'Yes, that helped', onclick: function () { submit('Yes, that helped'); } }),
        el('button', { type: 'button', text: 'Talk to a person', onclick: function () { submit('Talk to a person'); } }),
      ]));
    }
    log.replaceChildren.apply(log, nodes);
    log.scrollTop = log.scrollHeight;
  }
  function add(m, live) {
    if (m.id && st.seen[m.id]) return;
    if (m.id) st.seen[m.id] = true;
    st.msgs.push(m);
    if (m.sender && m.sender.kind === 'teammate') {
      if (m.sender.name) { st.agent = m.sender.name; renderHeader(); }
      if (live && !st.open) { st.unread++; renderBadge(); }
      typingLine.textContent = '';
    }
    renderLog();
  }

  // ---- HTTP ----
  function api(method, path, body) {
    var headers = {};
    if (st.token) headers.Authorization = 'Bearer ' + st.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(base + path, {
      method: method, headers: headers, mode: 'cors', credentials: 'omit', keepalive: method === 'DELETE',
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (r) {
      var fresh = r.headers.get('X-Widget-Token');
      if (fresh) { st.token = fresh; st.expires = Date.parse(r.headers.get('X-Widget-Token-Expires-At')) || 0; }
      return r.text().then(function (t) {
        var data = null;
        try { data = t ? JSON.parse(t) : null; } catch (e) { /* not JSON */ }
        return { status: r.status, data: data, retry: Number(r.headers.get('Retry-After')) || 0 };
      });
    });
  }
  // An authenticated call that starts a new session once when the token is gone.
  function call(method, path, body) {
    return ensure().then(function () { return api(method, path, body); }).then(function (r) {
      if (r.status !== 401) return r;
      st.token = null;
      return ensure().then(function () { return api(method, path, body); });
    });
  }

  function ensure() {
    if (st.token && Date.now() < st.expires - 60000) return Promise.resolve();
    if (!st.starting) st.starting = session().finally(function () { st.starting = null; });
    return st.starting;
  }

  function session() {
    var body = { workspace_id: workspace, visitor_id: load(KEY) || undefined };
    if (st.user) body.user = st.user;
    var saved = st.token;
    st.token = null;
    return api('POST', '/api/widget/v1/sessions', body).then(function (r) {
      if (r.status !== 200) {
        st.token = saved;
        var e = new Error((r.data && r.data.error && r.data.error.message) || 'session refused');
        e.refused = r.status === 403;
        throw e;
      }
      st.token = r.data.token;
      st.expires = Date.parse(r.data.expires_at) || 0;
      st.visitor = r.data.visitor;
      st.settings = r.data.settings || {};
      save(KEY, st.visitor.id);
      renderHeader();
    });
  }

  function history() {
    return call('GET', '/api/widget/v1/conversations').then(function (r) {
      if (r.status !== 200) return;
      var c = r.data.items[0];
      st.msgs = []; st.seen = {};
      if (!c) { st.conv = null; renderLog(); return; }
      st.conv = c.id;
      return call('GET', '/api/widget/v1/conversations/' + encodeURIComponent(c.id) + '/messages?limit=100').then(function (m) {
        if (m.status !== 200) return;
        m.data.items.forEach(function (x) { add(x, false); });
        renderLog();
      });
    });
  }

  // ---- the Help tab and the composer's suggestions (issue 20) ----
  var help = { tab: 'chat', seq: 0, aseq: 0, timer: null, loaded: false, from: null };
  var sg = { seq: 0, timer: null, off: false };
  var ids = 0;
  function showTab(name, focus) {
    var chat = name === 'chat';
    help.tab = name;
    chatTab.setAttribute('aria-selected', String(chat));
    helpTab.setAttribute('aria-selected', String(!chat));
    chatTab.tabIndex = chat ? 0 : -1;
    helpTab.tabIndex = chat ? -1 : 0;
    chatPane.hidden = !chat;
    helpPane.hidden = chat;
    if (!chat && !help.loaded) search();
    if (focus) (chat ? chatTab : helpTab).focus();
  }
  // The API takes q up to 200 bytes.
  function clip(text) {
    text = text.trim();
    while (text && new TextEncoder().encode(text).length > 200) text = text.slice(0, -1);
    return text;
  }
  function findArticles(text) {
    return call('GET', '/api/widget/v1/articles' + (text ? '?q=' + encodeURIComponent(text) : '')).then(function (r) {
      if (r.status !== 200) throw new Error('HTTP ' + r.status);
      return r.data.items || [];
    });
  }
  function hitButton(a, brief) {
    var id = 'sb-x' + (++ids);
    return el('li', {}, [el('button', { class: 'hit', type: 'button', 'data-slug': a.slug, 'aria-describedby': brief || !a.excerpt ? null : id, onclick: function (e) { openArticle(a.slug, e.currentTarget); } }, [
      el('span', { class: 'ht', text: a.title }), brief || !a.excerpt ? null : el('span', { class: 'hx', id: id, text: a.excerpt }),
    ])]);
  }
  // An empty box lists the most read articles.
  function search() {
    var text = clip(searchBox.value), n = ++help.seq;
    help.loaded = true;
    findArticles(text).then(function (items) {
      if (n !== help.seq) return;
      hitsTitle.textContent = items.length ? (text ? 'Articles' : 'Popular articles') : (text ? 'No article matches \u201c' + text + '\u201d.' : 'No articles yet.');
      hits.replaceChildren.apply(hits, items.map(function (a) { return hitButton(a, false); }));
    }, function () {
      if (n !== help.seq) return;
      help.loaded = false;
      hitsTitle.textContent = 'The articles could not be loaded.';
      hits.replaceChildren();
    });
  }
  function openArticle(slug, from) {
    var n = ++help.aseq;
    help.from = from;
    help.fromSlug = slug;
    showTab('help');
    listView.hidden = true;
    artView.hidden = false;
    artTitle.textContent = 'Loading\u2026';
    artBody.replaceChildren();
    artLink.hidden = true;
    call('GET', '/api/widget/v1/articles/' + encodeURIComponent(slug)).then(function (r) {
      if (n !== help.aseq) return;
      if (r.status !== 200) { artTitle.textContent = r.status === 404 ? 'This article is no longer available.' : 'The article could not be loaded.'; return; }
      artTitle.textContent = r.data.title;
      artBody.innerHTML = r.data.body_html; // rendered by the server, which leaves raw HTML and script links out
      Array.prototype.forEach.call(artBody.querySelectorAll('a[href]'), function (a) { a.target = '_blank'; a.rel = 'noopener'; });
      artLink.href = r.data.url;
      artLink.hidden = false;
      helpPane.scrollTop = 0;
      artTitle.focus();
    }, function () { if (n === help.aseq) artTitle.textContent = 'The article could not be loaded.'; });
  }
  function back() {
    help.aseq++;
    artView.hidden = true;
    listView.hidden = false;
    artBody.replaceChildren();
    if (!help.loaded) search();
    // Back to the result that was opened (or the same article's result, when the list
    // was drawn again meanwhile: a search still on its way); from a suggestion, to the search box.
    var again = help.fromSlug && hits.querySelector('.hit[data-slug="' + CSS.escape(help.fromSlug) + '"]');
    if (help.from && helpPane.contains(help.from)) help.from.focus();
    else if (again && help.from && help.from.classList.contains('hit')) again.focus();
    else searchBox.focus();
  }
  // While the visitor writes (3 words or 12 characters), up to 3 matching articles.
  function suggestSoon() {
    var text = input.value.trim();
    clearTimeout(sg.timer);
    if (sg.off || (text.length < 12 && text.split(/\s+/).filter(Boolean).length < 3)) { hideSuggest(); return; }
    sg.timer = setTimeout(function () {
      var n = ++sg.seq;
      findArticles(clip(text)).then(function (items) {
        if (n !== sg.seq) return;
        suggestList.replaceChildren.apply(suggestList, items.slice(0, 3).map(function (a) { return hitButton(a, true); }));
        suggest.hidden = !items.length;
      }, function () { /* suggestions are best effort */ });
    }, 400);
  }
  function hideSuggest() {
    sg.seq++;
    clearTimeout(sg.timer);
    suggest.hidden = true;
  }

  // ---- sending, with a queue while offline ----
  // `preset`: a quick reply's text (the box keeps what the visitor was writing).
  function submit(preset) {
    var text = typeof preset === 'string' ? preset : input.value.trim();
    if (!text) return;
    if (typeof preset !== 'string') input.value = '';
    hideSuggest();
    sg.off = false;
    var m = { body: text, pending: true, sender: { kind: 'contact' } };
    st.msgs.push(m);
    st.outbox.push(m);
    renderLog();
    flush();
    sendTyping(false);
  }

  function flush() {
    if (st.sending || !st.outbox.length || st.dead) return;
    st.sending = true;
    var m = st.outbox[0];
    var path = st.conv ? '/api/widget/v1/conversations/' + encodeURIComponent(st.conv) + '/messages' : '/api/widget/v1/conversations';
    call('POST', path, m.media_ids ? { body: m.body, media_ids: m.media_ids } : { body: m.body }).then(function (r) {
      st.sending = false;
      if (r.status === 201) {
        st.outbox.shift();
        var saved = r.data.messages ? r.data.messages[0] : r.data;
        if (r.data.messages) st.conv = r.data.id;
        var i = st.msgs.indexOf(m);
        if (st.seen[saved.id]) st.msgs.splice(i, 1); else { st.msgs[i] = saved; st.seen[saved.id] = true; }
        renderLog();
        status('');
        maybeAsk();
        flush();
      } else if (r.status === 429) {
        status('Sending too fast; retrying shortly.');
        setTimeout(flush, Math.max(1, r.retry) * 1000);
      } else {
        // Refused for good (too long, …): mark it, keep the rest going.
        st.outbox.shift();
        m.failed = true; m.pending = false;
        status((r.data && r.data.error && r.data.error.message) || 'Message not sent.');
        renderLog();
        flush();
      }
    }, function () {
      // Offline: keep it queued; the socket's reconnect (or a timer) flushes again.
      st.sending = false;
      status('Offline: your message will be sent when the connection is back.');
      setTimeout(flush, 5000);
    });
  }

  // The offline state's text: the team's hours or usual reply time from the
  // widget settings, and where the answer will appear (issue 16 item 18).
  function awayText() {
    var s = st.settings, parts = ['Nobody is available right now.'];
    if (s.office_hours) parts.push('Our hours: ' + s.office_hours.replace(/[.\s]+$/, '') + '.');
    if (s.reply_time) parts.push(s.reply_time);
    parts.push('The answer will appear here in this chat, also when you come back to this page later.');
    return parts.join(' ');
  }
  function maybeAsk() {
    if (st.asked || st.settings.available) return;
    st.asked = true;
    away.textContent = awayText();
    // The email field only when none is known yet; the away note either way.
    var known = st.visitor && st.visitor.email;
    emailInput.parentNode.hidden = !!known;
    ask.querySelector('label').hidden = !!known;
    ask.hidden = false;
  }
  function leaveEmail() {
    var email = emailInput.value.trim();
    if (!email) return;
    st.user = Object.assign({}, st.user || {}, { email: email });
    session().then(function () {
      emailInput.parentNode.hidden = true;
      ask.querySelector('label').hidden = true;
      status('Thanks, your email is saved with your conversation. The answer will appear here in this chat.');
    }, function () { status('That email could not be saved.'); });
  }

  function sendTyping(on) {
    if (!st.ws || st.ws.readyState !== 1 || !st.conv) return;
    var typing = on !== false;
    var now = Date.now();
    if (typing && now - st.lastTyping < 2000) return;
    st.lastTyping = typing ? now : 0;
    st.ws.send(JSON.stringify({ type: 'typing', conversation_id: st.conv, typing: typing }));
  }

  // ---- live updates over /ws/widget, reconnecting with backoff ----
  function connect() {
    if (st.dead) return;
    clearTimeout(st.timer);
    ensure().then(function () {
      var ws = new WebSocket(base.replace(/^http/, 'ws') + '/ws/widget?token=' + encodeURIComponent(st.token));
      st.ws = ws;
      ws.onopen = function () {
        st.tries = 0;
        setState('ready');
        status('');
        clearInterval(st.ping);
        st.ping = setInterval(function () { if (ws.readyState === 1) ws.send('{"type":"ping"}'); }, 25000);
        flush();
      };
      ws.onmessage = function (e) {
        var ev;
        try { ev = JSON.parse(e.data); } catch (x) { return; }
        if (ev.type === 'message.created') {
          var m = ev.data;
          if (st.conv && m.conversation_id !== st.conv) return;
          if (!st.conv) st.conv = m.conversation_id;
          add(m, true);
        } else if (ev.type === 'message.updated') {
          // A survey answered (here or in another tab): shown as answered.
          var u = ev.data;
          for (var k = 0; k < st.msgs.length; k++) if (st.msgs[k].id && st.msgs[k].id === u.id) st.msgs[k] = u;
          renderLog();
        } else if (ev.type === 'typing' && ev.data.conversation_id === st.conv) {
          clearTimeout(st.typingTimer);
          typingLine.textContent = ev.data.typing ? (ev.data.name || 'Someone') + ' is typing…' : '';
          if (ev.data.typing) st.typingTimer = setTimeout(function () { typingLine.textContent = ''; }, 6000);
        }
      };
      ws.onclose = function () {
        clearInterval(st.ping);
        if (st.ws !== ws || st.dead) return;
        st.ws = null;
        setState('offline');
        retry();
      };
    }, function (e) {
      setState(e && e.refused ? 'refused' : 'offline');
      retry();
    });
  }
  function retry() {
    var delay = Math.min(30000, 1000 * Math.pow(2, st.tries++)) * (0.75 + Math.random() / 2);
    st.timer = setTimeout(function () {
      // A reconnect after missed events reloads the thread, then listens again.
      history().then(connect, connect);
    }, delay);
  }

  function start() {
    ensure().then(history).then(connect, function (e) {
      setState(e && e.refused ? 'refused' : 'offline');
      retry();
    });
  }

  // ---- commands ----
  function track(name, props) {
    return call('POST', '/api/widget/v1/events', { name: String(name), props: props || {} }).catch(function () { /* best effort */ });
  }
  function shutdown() {
    st.dead = true;
    clearTimeout(st.timer);
    clearInterval(st.ping);
    if (st.token) api('DELETE', '/api/widget/v1/sessions/current').catch(function () {});
    if (st.ws) st.ws.close();
    st.ws = null; st.token = null; st.user = null;
    save(KEY, null);
    host.remove();
    w.__switchboardWidget = false;
  }
  function command(name, a, b) {
    if (st.dead) return;
    if (name === 'identify' && a && typeof a === 'object') {
      var before = st.user && st.user.external_id;
      st.user = { external_id: a.external_id, email: a.email, name: a.name, user_hash: a.user_hash };
      if (st.visitor) {
        // A different person on this browser: forget the previous visitor.
        if (before && before !== a.external_id) save(KEY, null);
        st.token = null;
        ensure().then(history).then(function () { if (st.ws) st.ws.close(); else connect(); }, function (e) {
          setState(e && e.refused ? 'refused' : 'offline');
        });
      }
    } else if (name === 'track') track(a, b);
    else if (name === 'open') toggle(true);
    else if (name === 'close') toggle(false);
    else if (name === 'shutdown') shutdown();
  }

  var api_fn = function () { command.apply(null, arguments); };
  api_fn.q = [];
  w.Switchboard = api_fn;
  // Commands called before the script loaded: identify first, so the first session is the right one.
  pending.forEach(function (args) { if (args[0] === 'identify') command.apply(null, args); });
  start();
  pending.forEach(function (args) { if (args[0] !== 'identify') command.apply(null, args); });
})();
