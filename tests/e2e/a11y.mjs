// A small accessibility checker for the browser tests, by hand in the page (no
// dependency): checkA11y(page) returns the violations of the rules below, each
// {rule, selector, detail}, so a failure says what and where.
//
//   html-lang      <html lang> is set
//   main-landmark  exactly one visible main landmark (<main> or role=main)
//   one-h1         exactly one h1
//   heading-order  the first heading is an h1 and no heading skips a level (h1 → h3)
//   heading-empty  a heading has text
//   form-label     every input, select and textarea has an accessible name (label[for],
//                  a wrapping label, aria-label, aria-labelledby or title)
//   img-alt        every img has an alt attribute (alt="" marks a decorative one)
//   link-name      every link has discernible text (its text, an img's alt, aria-label…)
//   button-name    every button has discernible text
//   contrast       text against its effective background: at least 4.5:1, or 3:1 for
//                  large text (24px, or 18.66px bold); the background is the first
//                  opaque background-color up the ancestors (semi-transparent ones
//                  blended in), white when there is none
//
// Only what is rendered counts: display:none, visibility:hidden and [hidden] are
// skipped (visually hidden text, 1px and clipped, counts for names and headings
// but not for contrast). Not covered: background images and gradients (an element
// over one is skipped), opacity, text over positioned siblings, placeholders,
// focus order. options.skip: rule names not to check (e.g. the agent app has no h1).
export async function checkA11y(page, { skip = [] } = {}) {
  return page.evaluate(inPage, { skip });
}

// "rule at selector: detail", one a line.
export function formatViolations(violations) {
  return violations.map((v) => `  ${v.rule} at ${v.selector}: ${v.detail}`).join('\n');
}

// Throws with the list when anything is found; `where` names the page in the message.
export async function assertAccessible(page, where, options) {
  const violations = await checkA11y(page, options);
  if (violations.length) {
    throw new Error(`${where} (${page.url()}): ${violations.length} accessibility violation(s)\n${formatViolations(violations)}`);
  }
}

// Runs in the page: self-contained.
function inPage({ skip }) {
  const out = [];
  const skipped = new Set(skip);
  const report = (rule, node, detail) => {
    if (!skipped.has(rule)) out.push({ rule, selector: node ? selectorOf(node) : 'document', detail });
  };

  function selectorOf(node) {
    const parts = [];
    for (let n = node; n && n.nodeType === 1 && n !== document.documentElement; n = n.parentElement) {
      if (n.id && document.querySelectorAll(`#${CSS.escape(n.id)}`).length === 1) {
        parts.unshift(`#${CSS.escape(n.id)}`);
        break;
      }
      let part = n.localName;
      const classes = [...n.classList].slice(0, 2).map((c) => `.${CSS.escape(c)}`).join('');
      part += classes;
      const same = n.parentElement ? [...n.parentElement.children].filter((c) => c.localName === n.localName) : [];
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(n) + 1})`;
      parts.unshift(part);
    }
    const text = (node.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return parts.join(' > ') + (text ? ` ("${text}")` : '');
  }

  // Rendered at all (in the accessibility tree): not display:none, visibility:hidden,
  // [hidden] or aria-hidden.
  function rendered(node) {
    if (node.closest('[hidden], [aria-hidden="true"]')) return false;
    if (node.checkVisibility && !node.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true })) return false;
    return node.getClientRects().length > 0;
  }
  // Seen by the eye: rendered and bigger than the 1px of visually hidden text.
  function seen(node) {
    if (!rendered(node)) return false;
    const r = node.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  }

  const textOf = (node) => (node?.textContent || '').replace(/\s+/g, ' ').trim();
  const byIds = (ids) => ids.split(/\s+/).filter(Boolean).map((id) => textOf(document.getElementById(id))).join(' ').trim();

  // The accessible name, as far as these rules need it.
  function nameOf(node) {
    const labelledby = node.getAttribute('aria-labelledby');
    if (labelledby && byIds(labelledby)) return byIds(labelledby);
    const label = (node.getAttribute('aria-label') || '').trim();
    if (label) return label;
    if (node.labels) {
      const text = [...node.labels].map(textOf).join(' ').trim();
      if (text) return text;
    }
    if (node.localName === 'input' && ['submit', 'button', 'reset'].includes(node.type)) {
      return (node.value || (node.type === 'submit' ? 'Submit' : node.type === 'reset' ? 'Reset' : '')).trim();
    }
    if (node.localName === 'input' && node.type === 'image') return (node.alt || '').trim();
    const own = node.matches('a, button, [role=button], [role=link], h1, h2, h3, h4, h5, h6, [role=heading]')
      ? textOf(node) || [...node.querySelectorAll('img[alt]')].map((i) => i.alt.trim()).join(' ').trim()
      : '';
    if (own) return own;
    return (node.getAttribute('title') || '').trim();
  }

  // ---- document ----
  if (!(document.documentElement.getAttribute('lang') || '').trim()) report('html-lang', null, '<html> has no lang');
  const mains = [...document.querySelectorAll('main, [role=main]')].filter(rendered);
  if (mains.length !== 1) report('main-landmark', mains[1] || null, `${mains.length} visible main landmarks`);

  // ---- headings ----
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')].filter(rendered).map((h) => ({
    node: h,
    level: /^h[1-6]$/.test(h.localName) && !h.hasAttribute('aria-level') ? Number(h.localName[1]) : Number(h.getAttribute('aria-level') || 2),
  }));
  const h1s = headings.filter((h) => h.level === 1);
  if (h1s.length !== 1) report('one-h1', h1s[1]?.node || null, `${h1s.length} h1 headings${h1s.length ? `: ${h1s.map((h) => `"${textOf(h.node)}"`).join(', ')}` : ''}`);
  let previous = 0;
  for (const h of headings) {
    if (h.level > previous + 1) {
      report('heading-order', h.node, previous ? `h${previous} then h${h.level}` : `the first heading is h${h.level}`);
    }
    if (!nameOf(h.node)) report('heading-empty', h.node, `an empty h${h.level}`);
    previous = h.level;
  }

  // ---- names ----
  const controls = document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), select, textarea');
  for (const c of controls) {
    if (rendered(c) && !nameOf(c)) report('form-label', c, `<${c.localName}${c.type ? ` type=${c.type}` : ''}> has no label`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt') && rendered(img)) report('img-alt', img, `no alt (src ${img.getAttribute('src')})`);
  }
  for (const a of document.querySelectorAll('a[href], [role=link]')) {
    if (rendered(a) && !nameOf(a)) report('link-name', a, `a link to ${a.getAttribute('href')} has no text`);
  }
  for (const b of document.querySelectorAll('button, [role=button], input[type=submit], input[type=button], input[type=reset], input[type=image]')) {
    if (rendered(b) && !nameOf(b)) report('button-name', b, 'a button has no text');
  }

  // ---- contrast ----
  // Any CSS colour as [r, g, b, a] (0–255, alpha 0–1), through a canvas pixel.
  const canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const cache = new Map();
  function rgba(css) {
    if (cache.has(css)) return cache.get(css);
    let v;
    const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(css);
    if (m) {
      const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
      v = [+m[1], +m[2], +m[3], alpha];
    } else {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = 'rgba(0, 0, 0, 0)';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      v = [d[0], d[1], d[2], d[3] / 255];
    }
    cache.set(css, v);
    return v;
  }
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const luminance = ([r, g, b]) => {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => `#${c.slice(0, 3).map((x) => Math.round(x).toString(16).padStart(2, '0')).join('')}`;

  // The colour behind `node`: its own and its ancestors' backgrounds down to the
  // first opaque one (white when none is), or null over a background image.
  function backgroundOf(node) {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.backgroundImage && style.backgroundImage !== 'none') return null;
      const c = rgba(style.backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  }

  const textElements = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (t) => (t.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
  });
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const parent = t.parentElement;
    if (parent && !parent.closest('script, style, noscript, template, option, svg')) textElements.add(parent);
  }
  // Form fields show their value as text in their own colours (not a checkbox's "on").
  const valueless = new Set(['hidden', 'checkbox', 'radio', 'range', 'color', 'file', 'image']);
  for (const c of document.querySelectorAll('input, textarea, select')) {
    if (!valueless.has(c.type) && (c.value || c.localName === 'select')) textElements.add(c);
  }
  for (const node of textElements) {
    if (!seen(node)) continue;
    if (node.closest('button:disabled, input:disabled, select:disabled, textarea:disabled, fieldset:disabled, [aria-disabled="true"]')) continue;
    const bg = backgroundOf(node);
    if (!bg) continue;
    const style = getComputedStyle(node);
    const fg = over(rgba(style.color), bg);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (size >= 18.66 && bold);
    const need = large ? 3 : 4.5;
    const r = ratio(fg, bg);
    if (r < need) {
      report('contrast', node, `${r.toFixed(2)}:1 for ${hex(fg)} on ${hex(bg)} (${size}px${bold ? ' bold' : ''}; needs ${need}:1)`);
    }
  }
  return out;
}
