// Small DOM helpers shared by the inbox, the contact sidebar and the settings
// pages: element builder, phone and time formatting, one generic form, one
// generic table and a confirmation dialog. No inline styles or scripts (CSP).

// el('button', {class: 'primary', onclick}, 'Save'): attributes starting with
// "on" become listeners, `true` sets a boolean attribute, null/false skip it.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// +14155550100 -> (415) 555-0100 for NANP numbers; other numbers stay E.164.
export function formatPhone(e164) {
  if (!e164) return '';
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

export function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

let uid = 0;
const nextId = (name) => `f${++uid}-${name}`;

// options: [[value, label], …] or {group, options: [[value, label], …]} entries.
export function select(options, value, attrs = {}) {
  const s = el('select', attrs);
  const add = (parent, [v, label]) => parent.append(new Option(label, v));
  for (const o of options) {
    if (Array.isArray(o)) add(s, o);
    else if (o.options.length) {
      const g = el('optgroup', { label: o.group });
      for (const x of o.options) add(g, x);
      s.append(g);
    }
  }
  if (value !== undefined && value !== null) s.value = value;
  return s;
}

function control(f, id) {
  const common = { id, name: f.name, required: f.required, 'aria-describedby': f.hint ? `${id}-hint` : null };
  if (f.type === 'select') return select(f.options, f.value ?? '', common);
  if (f.type === 'textarea') return el('textarea', { ...common, rows: f.rows || 3, placeholder: f.placeholder }, f.value ?? '');
  if (f.type === 'checkbox') return el('input', { ...common, type: 'checkbox', checked: Boolean(f.value) });
  return el('input', {
    ...common,
    type: f.type || 'text',
    value: f.value ?? '',
    placeholder: f.placeholder,
    autocomplete: f.autocomplete || 'off',
    pattern: f.pattern,
    list: f.list,
    inputmode: f.inputmode,
  });
}

function readValue(input) {
  if (input.localName === 'fieldset') return [...input.querySelectorAll('input[data-choice]:checked')].map((c) => c.value);
  if (input.type === 'checkbox') return input.checked;
  return input.value.trim();
}

// {type: 'checkboxes', options: [[value, label], …], value: [checked values], selectAll: 'Select all'}:
// a fieldset of checkboxes under its legend; its value is the array of checked values.
// The optional "select all" box checks or clears them all and shows a partial choice as mixed.
function checkboxes(f, id) {
  const chosen = new Set(f.value || []);
  const boxes = f.options.map(([value, label], i) => el('div', { class: 'field check' },
    el('input', { id: `${id}-${i}`, type: 'checkbox', value, checked: chosen.has(value), 'data-choice': true }),
    el('label', { for: `${id}-${i}` }, label)));
  const all = f.selectAll ? el('input', { id: `${id}-all`, type: 'checkbox' }) : null;
  const group = el('fieldset', { id, class: 'choices', 'aria-describedby': f.hint ? `${id}-hint` : null },
    el('legend', {}, f.label),
    f.hint ? el('small', { id: `${id}-hint`, class: 'hint' }, f.hint) : null,
    all ? el('div', { class: 'field check select-all' }, all, el('label', { for: `${id}-all` }, f.selectAll)) : null,
    boxes);
  if (all) {
    const inputs = boxes.map((b) => b.querySelector('input'));
    const sync = () => {
      const n = inputs.filter((c) => c.checked).length;
      all.checked = n === inputs.length;
      all.indeterminate = n > 0 && n < inputs.length;
    };
    all.addEventListener('change', () => { for (const c of inputs) c.checked = all.checked; sync(); });
    for (const c of inputs) c.addEventListener('change', sync);
    sync();
  }
  return group;
}

// A labelled form. onSubmit(values, form) may return a message for the status
// line; a thrown error (an ApiError carries the server's message) is shown as an alert.
export function form({ title, fields, submit, onSubmit, onCancel, className = '' }) {
  const inputs = new Map();
  const rows = fields.map((f) => {
    const id = nextId(f.name);
    if (f.type === 'checkboxes') {
      const group = checkboxes(f, id);
      inputs.set(f.name, group);
      return group;
    }
    const input = control(f, id);
    inputs.set(f.name, input);
    const label = el('label', { for: id }, f.label);
    const hint = f.hint ? el('small', { id: `${id}-hint`, class: 'hint' }, f.hint) : null;
    return el('div', { class: `field${f.type === 'checkbox' ? ' check' : ''}` },
      f.type === 'checkbox' ? [input, label] : [label, input], hint);
  });
  const error = el('p', { class: 'error', role: 'alert' });
  const status = el('p', { class: 'status', role: 'status' });
  const button = el('button', { type: 'submit', class: 'primary' }, submit);
  const cancel = onCancel ? el('button', { type: 'button', onclick: onCancel }, 'Cancel') : null;
  const node = el('form', { class: `form ${className}`, 'aria-label': title || submit },
    title ? el('h3', {}, title) : null, rows, el('div', { class: 'form-actions' }, button, cancel), error, status);
  node.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    status.textContent = '';
    button.disabled = true;
    try {
      const values = Object.fromEntries([...inputs].map(([k, input]) => [k, readValue(input)]));
      const message = await onSubmit(values, node);
      if (message) status.textContent = message;
    } catch (err) {
      error.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  node.inputs = inputs;
  return node;
}

// columns: [{label, cell: (row) => Node or text}]
export function table({ caption, columns, rows, empty = 'None yet.' }) {
  if (!rows.length) return el('p', { class: 'empty' }, empty);
  return el('div', { class: 'table-wrap' },
    el('table', { class: 'data' },
      el('caption', { class: 'visually-hidden' }, caption),
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c.label)))),
      el('tbody', {}, rows.map((r) => el('tr', {}, columns.map((c) => el('td', { 'data-label': c.label }, c.cell(r))))))));
}

// A notice in the corner of the window (a live region), until its Dismiss button
// is pressed: `content` is text or nodes (a link to the page that explains).
export function toast(...content) {
  let box = document.getElementById('toasts');
  const fresh = !box;
  if (fresh) {
    box = el('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const item = el('div', { class: 'toast' }, el('p', {}, ...content));
  item.append(el('button', { type: 'button', class: 'link', onclick: () => item.remove() }, 'Dismiss'));
  // A live region is announced when its content changes: a new one gets its first notice a moment later.
  if (fresh) setTimeout(() => box.append(item), 100);
  else box.append(item);
  return item;
}

// A modal yes/no question; resolves true when confirmed.
export function confirmDialog(message, action = 'Confirm') {
  const dialog = el('dialog', { class: 'confirm', 'aria-label': action },
    el('form', { method: 'dialog' },
      el('p', {}, message),
      el('div', { class: 'form-actions' },
        el('button', { value: 'cancel' }, 'Cancel'),
        el('button', { value: 'ok', class: 'danger' }, action))));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    dialog.showModal();
  });
}
