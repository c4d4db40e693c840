// A help-center article's link in a reply (issue 20): the composer's "Article"
// button opens a small search popover over the published articles (GET
// /api/v1/articles?status=published, with q= while typing); ArrowUp/ArrowDown
// move, Enter or a click inserts "Title: URL" at the caret, Escape closes. The
// URL is the article's public help-center page, the same for SMS and chat.
// Focus goes back to the reply box either way.
import { api } from './api.js';
import { el } from './ui.js';

const SEARCH_DELAY_MS = 200;

export function attachArticleLink({ button, popover, input, listbox, status, textarea }) {
  let items = [];
  let active = 0;
  let seq = 0; // the newest request; older answers are dropped
  let timer = null;
  let caret = { start: 0, end: 0 }; // where the link goes, kept while the popover has focus

  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', popover.id);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', listbox.id);
  input.setAttribute('aria-expanded', 'false');

  const isOpen = () => !popover.hidden;

  function render() {
    listbox.replaceChildren(...items.map((a, i) => el('li', {
      id: `article-option-${a.id}`,
      role: 'option',
      'aria-selected': String(i === active),
      onmousedown: (e) => e.preventDefault(), // keep focus in the search box
      onclick: () => insert(a),
    }, el('span', { class: 'title' }, a.title), el('span', { class: 'url' }, a.url))));
    listbox.hidden = items.length === 0;
    input.setAttribute('aria-expanded', String(items.length > 0));
    if (items.length) {
      input.setAttribute('aria-activedescendant', `article-option-${items[active].id}`);
      listbox.children[active]?.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  async function search() {
    const q = input.value.trim();
    const mine = ++seq;
    const query = new URLSearchParams({ status: 'published', limit: '10' });
    if (q) query.set('q', q);
    status.textContent = 'Searching…';
    try {
      const page = await api('GET', `/api/v1/articles?${query}`);
      if (mine !== seq || !isOpen()) return;
      items = page.items.filter((a) => a.url);
      active = 0;
      render();
      status.textContent = items.length
        ? `${items.length} article${items.length === 1 ? '' : 's'}`
        : (q ? 'No published article matches.' : 'No published articles yet.');
    } catch (e) {
      if (mine !== seq) return;
      items = [];
      render();
      status.textContent = e.message;
    }
  }

  function open() {
    caret = { start: textarea.selectionStart, end: textarea.selectionEnd };
    popover.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    input.value = '';
    items = [];
    render();
    input.focus();
    search();
  }

  function close({ refocus = true } = {}) {
    if (!isOpen()) return;
    clearTimeout(timer);
    ++seq;
    popover.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    items = [];
    render();
    status.textContent = '';
    if (refocus) {
      textarea.focus();
      textarea.setSelectionRange(caret.start, caret.end);
    }
  }

  function insert(a) {
    const before = textarea.value.slice(0, caret.start);
    const after = textarea.value.slice(caret.end);
    const lead = before && !/\s$/.test(before) ? ' ' : '';
    const trail = after && !/^\s/.test(after) ? ' ' : '';
    const text = `${lead}${a.title}: ${a.url}${trail}`;
    textarea.setRangeText(text, caret.start, caret.end, 'end');
    caret = { start: textarea.selectionStart, end: textarea.selectionEnd };
    close();
    // setRangeText fires no input event; the composer's counters listen for one.
    textarea.dispatchEvent(new Event('input'));
  }

  button.addEventListener('click', () => (isOpen() ? close() : open()));
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, SEARCH_DELAY_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && items.length) {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault(); // never submits the reply
      if (items.length) insert(items[active]);
    }
  });
  // A click elsewhere, or Tab out of it, closes it without taking focus back.
  const outside = (node) => !node || (!popover.contains(node) && !button.contains(node));
  document.addEventListener('mousedown', (e) => {
    if (isOpen() && outside(e.target)) close({ refocus: false });
  });
  popover.addEventListener('focusout', (e) => {
    if (isOpen() && e.relatedTarget && outside(e.relatedTarget)) close({ refocus: false });
  });
  // Another conversation: the popover belongs to the old one's reply.
  return { close: () => close({ refocus: false }) };
}
