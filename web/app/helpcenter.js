// Settings → Help center (issue 20): the knowledge base's articles and collections.
// The article editor takes Markdown, with a live preview rendered by the server
// (POST /api/v1/articles/preview: the renderer of the public pages, which drops
// raw HTML and script links); it saves drafts, publishes and unpublishes,
// deletes, and restores revisions. Shown with articles.write; the server checks again.
import { api } from './api.js';
import { inbox } from './inbox.js';
import { confirmDialog, el, form, select, shortTime, table } from './ui.js';

const PREVIEW_DELAY_MS = 300;
const statuses = [['draft', 'Draft'], ['published', 'Published'], ['archived', 'Archived']];
const statusName = (s) => statuses.find(([k]) => k === s)?.[1] ?? s;
const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '');

// Top-level collections, each followed by its sub-collections (they nest one level).
function ordered(collections) {
  const tops = collections.filter((c) => !c.parent_id);
  const out = tops.flatMap((t) => [t, ...collections.filter((c) => c.parent_id === t.id)]);
  return [...out, ...collections.filter((c) => !out.includes(c))];
}

// A preview or an article body from the server: links open in a new tab, so
// following one does not leave the editor.
function showHtml(container, html) {
  container.innerHTML = html; // sanitized by the server's renderer
  for (const a of container.querySelectorAll('a[href]')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
}

export async function helpCenterPage(ctx) {
  const state = { articles: [], cursor: null, filter: '', collections: [], editor: null };
  const byId = () => new Map(state.collections.map((c) => [c.id, c]));
  const collectionName = (id) => {
    const all = byId();
    const c = all.get(id);
    if (!c) return '';
    const parent = c.parent_id ? all.get(c.parent_id) : null;
    return parent ? `${parent.name} › ${c.name}` : c.name;
  };
  const collectionOptions = () => [['', 'No collection'], ...ordered(state.collections).map((c) => [c.id, collectionName(c.id)])];

  // ---------- articles ----------

  const listStatus = el('p', { class: 'flash', role: 'status' });
  const list = el('div', { class: 'article-list' });
  const more = el('button', { type: 'button', class: 'link', hidden: true, onclick: () => ctx.act(() => loadArticles(true)) }, 'Load more');

  async function loadArticles(next = false) {
    const q = new URLSearchParams({ limit: '100' });
    if (state.filter) q.set('status', state.filter);
    if (next && state.cursor) q.set('cursor', state.cursor);
    const page = await api('GET', `/api/v1/articles?${q}`);
    state.articles = next ? [...state.articles, ...page.items] : page.items;
    state.cursor = page.next_cursor;
    renderArticles();
  }

  function renderArticles() {
    list.replaceChildren(table({
      caption: 'Articles',
      rows: state.articles,
      empty: state.filter ? `No ${statusName(state.filter).toLowerCase()} articles.` : 'No articles yet. Write the first one with "New article".',
      columns: [
        { label: 'Title', cell: (a) => el('span', { class: 'clip' }, a.title) },
        { label: 'Status', cell: (a) => el('span', { class: `st st-${a.status}` }, statusName(a.status)) },
        { label: 'Collection', cell: (a) => collectionName(a.collection_id) || '—' },
        { label: 'Updated', cell: (a) => el('time', { datetime: a.updated_at, title: when(a.updated_at) }, shortTime(a.updated_at)) },
        { label: 'Actions', cell: (a) => el('button', { type: 'button', 'aria-label': `Edit ${a.title}`, onclick: () => ctx.act(() => openArticle(a.id)) }, 'Edit') },
      ],
    }));
    more.hidden = !state.cursor;
  }

  const filter = select([['', 'All'], ...statuses], '', {
    id: 'articles-status',
    onchange: (e) => ctx.act(async () => {
      state.filter = e.target.value;
      await loadArticles();
    }),
  });
  const toolbar = el('div', { class: 'toolbar' },
    el('button', { type: 'button', class: 'primary', onclick: () => ctx.act(() => openEditor(null)) }, 'New article'),
    el('div', { class: 'field' }, el('label', { for: 'articles-status' }, 'Status'), filter));

  // ---------- the editor ----------

  async function openArticle(id) {
    const article = await api('GET', `/api/v1/articles/${id}`);
    await openEditor(article);
  }

  // Replaces an open editor, asking first when it has unsaved changes.
  async function openEditor(article) {
    if (state.editor?.dirty() && !await confirmDialog('Discard the unsaved changes to the open article?', 'Discard')) return;
    state.editor?.stop();
    state.editor = editor(article);
    ctx.edit(state.editor.node);
    state.editor.node.scrollIntoView?.({ block: 'start' });
  }

  function closeEditor() {
    state.editor?.stop();
    state.editor = null;
    ctx.edit(null);
  }

  function editor(initial) {
    let current = initial; // the article as saved (null until the first save)
    let saved = { title: initial?.title ?? '', body: initial?.body ?? '', collection_id: initial?.collection_id ?? '' };
    const heading = el('h3', { id: 'article-editor-title' });
    const meta = el('p', { class: 'meta muted' });
    const title = el('input', { id: 'article-title', name: 'title', required: true, maxlength: '200', autocomplete: 'off', value: saved.title });
    const collection = select(collectionOptions(), saved.collection_id, { id: 'article-collection', name: 'collection_id' });
    const body = el('textarea', {
      id: 'article-body', name: 'body', rows: 18, spellcheck: 'true', 'aria-describedby': 'article-body-hint',
    }, saved.body);
    const preview = el('div', { class: 'article-html', id: 'article-preview', 'aria-labelledby': 'article-preview-title', role: 'region' });
    const previewNote = el('small', { class: 'hint', 'aria-live': 'polite' });
    const error = el('p', { class: 'error', role: 'alert' });
    const status = el('p', { class: 'status', role: 'status' });
    const saveButton = el('button', { type: 'submit', class: 'primary' });
    const publishButton = el('button', { type: 'button', onclick: () => save('published') }, 'Publish');
    const unpublishButton = el('button', { type: 'button', onclick: () => save('draft') }, 'Unpublish');
    const deleteButton = el('button', { type: 'button', class: 'danger', onclick: () => remove() }, 'Delete');
    const view = el('a', { class: 'view-link', target: '_blank', rel: 'noopener' }, 'View on help center');
    const revisions = el('ol', { class: 'revisions' });
    const revisionsBox = el('section', { class: 'revisions-box', 'aria-labelledby': 'article-revisions-title' },
      el('h4', { id: 'article-revisions-title' }, 'Revisions'), revisions);

    // ---- the live preview: the server renders, the latest answer wins ----
    let timer = 0;
    let seq = 0;
    const empty = () => preview.replaceChildren(el('p', { class: 'muted' }, 'Nothing to preview yet.'));
    async function renderPreview() {
      const n = ++seq;
      const text = body.value;
      if (!text.trim()) {
        empty();
        previewNote.textContent = '';
        return;
      }
      try {
        const { html } = await api('POST', '/api/v1/articles/preview', { body: text });
        if (n !== seq) return;
        showHtml(preview, html);
        previewNote.textContent = '';
      } catch (e) {
        if (n === seq) previewNote.textContent = `The preview could not be updated: ${e.message}`;
      }
    }
    body.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(renderPreview, PREVIEW_DELAY_MS);
    });
    if (initial?.body_html) showHtml(preview, initial.body_html);
    else empty();

    const values = () => ({ title: title.value.trim(), body: body.value, collection_id: collection.value });
    const dirty = () => {
      const v = values();
      return v.title !== saved.title || v.body !== saved.body || v.collection_id !== saved.collection_id;
    };

    function render() {
      const s = current?.status;
      heading.textContent = current ? `Edit ${current.title}` : 'New article';
      meta.textContent = current
        ? [`${statusName(s)}`, `updated ${when(current.updated_at)}`, `${current.views} ${current.views === 1 ? 'view' : 'views'}`,
          `${current.helpful_yes} found it helpful, ${current.helpful_no} did not`].join(' · ')
        : 'A draft until you publish it: only published articles are on the help center and in the widget.';
      saveButton.textContent = s === 'published' ? 'Save changes' : s === 'archived' ? 'Save' : 'Save draft';
      publishButton.hidden = s === 'published';
      unpublishButton.hidden = s !== 'published';
      deleteButton.hidden = !current;
      view.hidden = s !== 'published';
      if (current) view.href = current.url;
      revisionsBox.hidden = !current;
    }

    async function loadRevisions() {
      if (!current) return;
      const { items } = await api('GET', `/api/v1/articles/${current.id}/revisions`);
      revisions.replaceChildren(...items.map((r, i) => {
        const author = inbox.teammates?.get(r.author_id)?.name;
        const isCurrent = i === 0 && r.title === current.title && r.body === current.body;
        return el('li', {},
          el('time', { datetime: r.created_at }, when(r.created_at)),
          author ? el('span', { class: 'muted' }, ` by ${author}`) : null,
          el('span', { class: 'clip' }, r.title),
          isCurrent
            ? el('span', { class: 'muted' }, 'Current version')
            : el('button', { type: 'button', 'aria-label': `Restore the revision of ${when(r.created_at)}`, onclick: () => restore(r) }, 'Restore'));
      }));
      if (!items.length) revisions.replaceChildren(el('li', { class: 'muted' }, 'No revisions yet.'));
    }

    const busy = (on) => {
      for (const b of [saveButton, publishButton, unpublishButton, deleteButton]) b.disabled = on;
    };
    const took = (article) => {
      current = article;
      saved = { title: article.title, body: article.body, collection_id: article.collection_id ?? '' };
      render();
    };

    async function save(newStatus) {
      error.textContent = '';
      status.textContent = '';
      const v = values();
      if (!v.title) {
        error.textContent = 'Give the article a title.';
        title.focus();
        return;
      }
      const request = { title: v.title, body: v.body, collection_id: v.collection_id || null };
      if (newStatus) request.status = newStatus;
      else if (!current) request.status = 'draft';
      busy(true);
      try {
        const was = current?.status;
        took(current ? await api('PATCH', `/api/v1/articles/${current.id}`, request)
          : await api('POST', '/api/v1/articles', request));
        const s = current.status;
        status.textContent = s === 'published' && was !== 'published' ? 'Published on the help center.'
          : s === 'draft' && was === 'published' ? 'Unpublished: the article is a draft again.'
            : s === 'published' ? 'Saved; the help center shows the changes.'
              : s === 'draft' ? 'Draft saved.' : 'Saved.';
        await Promise.all([loadArticles(), loadRevisions()]);
      } catch (e) {
        error.textContent = e.message;
      } finally {
        busy(false);
      }
    }

    async function restore(r) {
      error.textContent = '';
      status.textContent = '';
      const unsaved = dirty() ? ' Your unsaved changes will be lost.' : '';
      if (!await confirmDialog(`Restore the revision of ${when(r.created_at)}? Its title and text replace the current ones, which stay in the revisions.${unsaved}`, 'Restore')) return;
      try {
        took(await api('POST', `/api/v1/articles/${current.id}/revisions/${r.id}/restore`));
        title.value = current.title;
        body.value = current.body;
        seq++; // an older preview answer must not overwrite the restored text's
        showHtml(preview, current.body_html);
        status.textContent = `The revision of ${when(r.created_at)} was restored.`;
        await Promise.all([loadArticles(), loadRevisions()]);
      } catch (e) {
        error.textContent = e.message;
      }
    }

    async function remove() {
      error.textContent = '';
      const name = current.title;
      if (!await confirmDialog(`Delete the article ${name}? It leaves the help center and the widget, and cannot be restored.`, 'Delete')) return;
      try {
        await api('DELETE', `/api/v1/articles/${current.id}`);
      } catch (e) {
        error.textContent = e.message;
        return;
      }
      closeEditor();
      listStatus.textContent = `${name} was deleted.`;
      await ctx.act(() => loadArticles());
    }

    const close = async () => {
      if (dirty() && !await confirmDialog('Discard the unsaved changes to this article?', 'Discard')) return;
      closeEditor();
    };

    const node = el('form', { class: 'form article-editor', 'aria-labelledby': 'article-editor-title', novalidate: true },
      heading,
      meta,
      el('div', { class: 'field' }, el('label', { for: 'article-title' }, 'Title'), title),
      el('div', { class: 'field' }, el('label', { for: 'article-collection' }, 'Collection'), collection),
      el('div', { class: 'md-split' },
        el('div', { class: 'field' },
          el('label', { for: 'article-body' }, 'Text (Markdown)'),
          body,
          el('small', { id: 'article-body-hint', class: 'hint' },
            '**bold**, _italic_, # Heading, - list, [link](https://…), ![image](https://…). Raw HTML is left out.')),
        el('div', { class: 'md-preview' },
          el('h4', { id: 'article-preview-title' }, 'Preview'),
          preview,
          previewNote)),
      el('div', { class: 'form-actions' }, saveButton, publishButton, unpublishButton, view,
        el('span', { class: 'spacer' }), deleteButton, el('button', { type: 'button', onclick: close }, 'Close')),
      error,
      status,
      revisionsBox);
    node.addEventListener('submit', (e) => {
      e.preventDefault();
      save();
    });
    node.addEventListener('keydown', (e) => {
      if (e.key === 's' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        save();
      }
    });
    render();
    loadRevisions().catch((e) => { error.textContent = e.message; });
    return {
      node,
      dirty,
      stop: () => clearTimeout(timer),
      collectionsChanged() {
        const value = collection.value;
        const fresh = select(collectionOptions(), value, { id: 'article-collection', name: 'collection_id' });
        collection.replaceChildren(...fresh.options);
        collection.value = byId().has(value) ? value : '';
        if (!byId().has(saved.collection_id)) saved.collection_id = '';
      },
    };
  }

  // ---------- collections ----------

  const collectionsStatus = el('p', { class: 'flash', role: 'status' });
  const collectionsBox = el('div', { class: 'collections' });

  async function loadCollections() {
    state.collections = (await api('GET', '/api/v1/collections')).items;
    renderCollections();
    state.editor?.collectionsChanged();
  }

  // After a change: the message, the fresh list, the articles' collection names.
  async function collectionsChanged(message) {
    collectionsStatus.textContent = message;
    await loadCollections();
    await loadArticles();
  }

  function renderCollections() {
    const all = byId();
    const tops = state.collections.filter((c) => !c.parent_id);
    const create = form({
      title: 'New collection',
      submit: 'Add collection',
      fields: [
        { name: 'name', label: 'Name', required: true },
        { name: 'description', label: 'Description' },
        { name: 'parent_id', label: 'Parent', type: 'select', options: [['', 'None (top level)'], ...tops.map((c) => [c.id, c.name])],
          hint: 'Collections nest one level.' },
      ],
      onSubmit: async (v) => {
        const c = await api('POST', '/api/v1/collections', {
          name: v.name, ...(v.description ? { description: v.description } : {}), parent_id: v.parent_id || null,
        });
        await collectionsChanged(`${c.name} was added.`);
        collectionsBox.querySelector('form input')?.focus();
      },
    });
    const names = new Map();
    const renameButtons = new Map();
    const rename = (c) => {
      const box = names.get(c.id);
      const restore = () => {
        box.replaceChildren(c.name);
        renameButtons.get(c.id)?.focus();
      };
      box.replaceChildren(form({
        submit: 'Save name',
        className: 'compact inline',
        fields: [{ name: 'name', label: `New name for ${c.name}`, value: c.name, required: true }],
        onCancel: restore,
        onSubmit: async (v) => {
          const saved = await api('PATCH', `/api/v1/collections/${c.id}`, { name: v.name });
          await collectionsChanged(`${c.name} was renamed to ${saved.name}.`);
        },
      }));
      box.querySelector('input')?.focus();
    };
    const remove = (c) => ctx.act(async () => {
      const subs = state.collections.filter((x) => x.parent_id === c.id).length;
      if (!await confirmDialog(`Delete the collection ${c.name}?${subs ? ' Its sub-collections are deleted too.' : ''} Its articles stay, in no collection.`, 'Delete')) return;
      await api('DELETE', `/api/v1/collections/${c.id}`);
      await collectionsChanged(`${c.name} was deleted.`);
    });
    collectionsBox.replaceChildren(create, table({
      caption: 'Collections',
      rows: ordered(state.collections),
      empty: 'No collections yet.',
      columns: [
        { label: 'Name', cell: (c) => {
          const box = el('div', { class: c.parent_id ? 'sub-collection' : null }, c.name);
          names.set(c.id, box);
          return box;
        } },
        { label: 'Parent', cell: (c) => all.get(c.parent_id)?.name ?? '—' },
        { label: 'Actions', cell: (c) => {
          const button = el('button', { type: 'button', 'aria-label': `Rename ${c.name}`, onclick: () => rename(c) }, 'Rename');
          renameButtons.set(c.id, button);
          return [button, ' ',
            el('button', { type: 'button', class: 'danger', 'aria-label': `Delete collection ${c.name}`, onclick: () => remove(c) }, 'Delete')];
        } },
      ],
    }));
  }

  state.collections = (await api('GET', '/api/v1/collections')).items;
  await loadArticles();
  renderCollections();
  return [
    el('section', { class: 'kb-articles', 'aria-labelledby': 'kb-articles-title' },
      el('h3', { id: 'kb-articles-title' }, 'Articles'), toolbar, listStatus, list, more),
    el('section', { class: 'kb-collections', 'aria-labelledby': 'kb-collections-title' },
      el('h3', { id: 'kb-collections-title' }, 'Collections'), collectionsStatus, collectionsBox),
  ];
}
