// Attachments in the agent app: the files of a thread item (images in place,
// audio and video with players, anything else as a download link), fetched with
// the session's token into object URLs, and the composer's files (a button, drag
// and drop, paste), uploaded to POST /api/v1/media before the reply names them.
import { ApiError, session } from './api.js';
import { el } from './ui.js';

const urls = new Map(); // media id -> Promise of an object URL, fetched once per page

function objectUrl(id) {
  if (!urls.has(id)) {
    urls.set(id, fetch(`/api/v1/media/${encodeURIComponent(id)}`, {
      headers: { Authorization: `Bearer ${session.token}` },
    }).then((res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.blob();
    }).then((blob) => URL.createObjectURL(blob)));
    urls.get(id).catch(() => urls.delete(id)); // a failed fetch is tried again next time
  }
  return urls.get(id);
}

export function kindName(type = '') {
  if (type.startsWith('image/')) return 'Photo';
  if (type.startsWith('audio/')) return 'Audio';
  if (type.startsWith('video/')) return 'Video';
  if (type === 'application/pdf') return 'PDF';
  if (type.includes('vcard')) return 'Contact card';
  return 'File';
}

export function byteSize(n = 0) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function mediaItem(item) {
  if (item.pending) return el('li', { class: 'media-note' }, `${kindName(item.content_type)} arriving…`);
  if (!item.id) {
    return el('li', { class: 'media-note error' },
      `${kindName(item.content_type)} not received${item.error ? `: ${item.error}` : ''}`);
  }
  const type = item.content_type || '';
  let node;
  if (type.startsWith('image/')) node = el('img', { class: 'media-image', alt: item.name || 'Photo' });
  else if (type.startsWith('audio/')) node = el('audio', { controls: true, preload: 'none', title: item.name });
  else if (type.startsWith('video/')) node = el('video', { controls: true, preload: 'metadata', class: 'media-video', title: item.name });
  else node = el('a', { class: 'media-file', download: item.name }, `${item.name} · ${byteSize(item.size)}`);
  objectUrl(item.id).then((url) => {
    if (node.tagName === 'A') node.href = url;
    else node.src = url;
  }).catch(() => node.replaceWith(el('span', { class: 'error' }, `${item.name}: could not be loaded`)));
  // A picture opens whole in a new tab; the thread shows it sized by the browser.
  if (node.tagName === 'IMG') {
    return el('li', { 'data-media-id': item.id },
      el('a', { href: '#', onclick: (e) => { e.preventDefault(); objectUrl(item.id).then((u) => window.open(u, '_blank')); } }, node));
  }
  return el('li', { 'data-media-id': item.id }, node);
}

// The list under a message's text, or null when it has no files.
export function mediaList(media) {
  if (!Array.isArray(media) || media.length === 0) return null;
  return el('ul', { class: 'media' }, media.map(mediaItem));
}

// The composer's files: uploaded as soon as they are picked, sent with the next reply.
export const outgoing = {
  items: [], // {id, name, content_type, size}
  uploading: 0,
  onChange: () => {},
  ids() { return this.items.map((m) => m.id); },
  clear() {
    this.items = [];
    this.onChange();
  },
};

async function uploadFile(file) {
  const res = await fetch(`/api/v1/media?name=${encodeURIComponent(file.name || 'pasted')}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error?.code, data?.error?.message || `HTTP ${res.status}`);
  return data;
}

export async function addFiles(files, onError) {
  for (const file of files) {
    outgoing.uploading++;
    outgoing.onChange();
    try {
      outgoing.items.push(await uploadFile(file));
    } catch (e) {
      onError(`${file.name || 'File'}: ${e.message}`);
    } finally {
      outgoing.uploading--;
      outgoing.onChange();
    }
  }
}

// The chips of files waiting to go, each with a remove button.
export function renderOutgoing(list) {
  list.replaceChildren(...outgoing.items.map((m, i) => el('li', { class: 'chip' },
    `${m.name} · ${byteSize(m.size)} `,
    el('button', { type: 'button', class: 'link', 'aria-label': `Remove ${m.name}`, onclick: () => {
      outgoing.items.splice(i, 1);
      outgoing.onChange();
    } }, '×'))));
  if (outgoing.uploading) list.append(el('li', { class: 'chip' }, 'Uploading…'));
  list.hidden = list.children.length === 0;
}

// Wires the attach button, its file input, drag and drop onto `dropTarget` and paste into `textarea`.
export function wireAttachments({ button, input, dropTarget, textarea, onError }) {
  button.onclick = () => input.click();
  input.onchange = () => {
    const files = [...input.files];
    input.value = '';
    addFiles(files, onError);
  };
  dropTarget.addEventListener('dragover', (e) => {
    if (e.dataTransfer?.types?.includes('Files')) {
      e.preventDefault();
      dropTarget.classList.add('dropping');
    }
  });
  dropTarget.addEventListener('dragleave', () => dropTarget.classList.remove('dropping'));
  dropTarget.addEventListener('drop', (e) => {
    dropTarget.classList.remove('dropping');
    if (!e.dataTransfer?.files?.length) return;
    e.preventDefault();
    addFiles([...e.dataTransfer.files], onError);
  });
  textarea.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files || [])];
    if (files.length === 0) return;
    e.preventDefault();
    addFiles(files, onError);
  });
}
