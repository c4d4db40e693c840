// Canned responses in the reply box: typing "/" at the start of a line (then
// part of a shortcut) opens a filtered list; ArrowUp/ArrowDown move, Enter or
// Tab inserts the response's text, Escape closes. An ARIA combobox on the textarea.
import { api } from './api.js';
import { el } from './ui.js';

let responses = [];

export async function loadCanned() {
  responses = (await api('GET', '/api/v1/canned_responses').catch(() => ({ items: [] }))).items;
}

export function cannedResponses() {
  return responses;
}

export function setCanned(items) {
  responses = items;
}

// The "/word" token that ends at the caret, when it starts a line.
function tokenAtCaret(textarea) {
  const before = textarea.value.slice(0, textarea.selectionStart);
  const m = /(^|\n)\/(\S*)$/.exec(before);
  return m ? { start: before.length - m[2].length - 1, query: m[2].toLowerCase() } : null;
}

export function attachCanned(textarea, listbox) {
  let matches = [];
  let active = 0;
  let token = null;

  textarea.setAttribute('role', 'combobox');
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', listbox.id);
  textarea.setAttribute('aria-expanded', 'false');

  const close = () => {
    matches = [];
    listbox.hidden = true;
    textarea.setAttribute('aria-expanded', 'false');
    textarea.removeAttribute('aria-activedescendant');
  };

  const render = () => {
    listbox.replaceChildren(...matches.map((c, i) => el('li', {
      id: `canned-${c.id}`,
      role: 'option',
      'aria-selected': String(i === active),
      onmousedown: (e) => { e.preventDefault(); insert(c); },
    }, el('strong', {}, `/${c.shortcut}`), ' ', el('span', {}, c.body))));
    listbox.hidden = matches.length === 0;
    textarea.setAttribute('aria-expanded', String(matches.length > 0));
    if (matches.length) textarea.setAttribute('aria-activedescendant', `canned-${matches[active].id}`);
  };

  const update = () => {
    token = tokenAtCaret(textarea);
    if (!token) return close();
    matches = responses.filter((c) => c.shortcut.toLowerCase().startsWith(token.query)
      || (token.query && c.body.toLowerCase().includes(token.query)));
    active = 0;
    render();
  };

  function insert(c) {
    const end = textarea.selectionStart;
    textarea.setRangeText(c.body, token.start, end, 'end');
    close();
    textarea.focus();
    // setRangeText fires no input event; the composer's counters listen for one.
    textarea.dispatchEvent(new Event('input'));
  }

  textarea.addEventListener('input', update);
  textarea.addEventListener('blur', close);
  textarea.addEventListener('keydown', (e) => {
    if (!matches.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      render();
    } else if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
      e.preventDefault();
      insert(matches[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
}
