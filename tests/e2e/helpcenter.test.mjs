// The knowledge base in headless Chromium (issue 20): an admin writes an article in
// Settings → Help center (Markdown with the server's live preview, collections,
// drafts, publishing, revisions) and the public help center shows it; a visitor
// finds articles in the widget's Help tab and gets suggestions while writing;
// teammates who may not write articles do not get the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, launchBrowser, login, signIn, startDaemon, shopPage } from './support.mjs';

let daemon;
let admin;
let browser;
let shop; // a host page on another origin, on the widget's allow-list

before(async () => {
  daemon = await startDaemon();
  admin = await login(daemon.url, daemon.email, daemon.password);
  shop = await shopPage(daemon.url, admin.user.workspace_id);
  await admin.call('PATCH', '/api/v1/widget/settings', { allowed_origins: [shop.url] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  shop?.server.close();
  await daemon?.stop();
});

const settings = async (page, name) => {
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
};
const optionLabels = (select) => select.locator('option').allTextContents();
const confirm = (page, action) => page.getByRole('dialog').getByRole('button', { name: action }).click();

test('an admin writes an article with a live preview, publishes it, and the help center shows it', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await settings(page, 'Help center');

  // Collections: a top-level one and a sub-collection; parents are top-level only; rename.
  const addCollection = async (name, parent) => {
    const create = page.getByRole('form', { name: 'New collection' });
    await create.getByLabel('Name').fill(name);
    if (parent) await create.getByLabel('Parent').selectOption({ label: parent });
    await create.getByRole('button', { name: 'Add collection' }).click();
    await page.getByText(`${name} was added.`).waitFor();
  };
  await addCollection('Shipping');
  await addCollection('Customs', 'Shipping');
  assert.deepEqual(await optionLabels(page.getByRole('form', { name: 'New collection' }).getByLabel('Parent')),
    ['None (top level)', 'Shipping']);
  await page.getByRole('button', { name: 'Rename Customs' }).click();
  await page.getByLabel('New name for Customs').fill('Customs and duties');
  await page.getByRole('button', { name: 'Save name' }).click();
  await page.getByText('Customs was renamed to Customs and duties.').waitFor();
  const collections = (await admin.call('GET', '/api/v1/collections')).items;
  const shipping = collections.find((c) => c.name === 'Shipping');
  assert.deepEqual(collections.map((c) => [c.name, c.parent_id]), [['Shipping', null], ['Customs and duties', shipping.id]]);

  // A new article: the preview follows the Markdown, rendered by the server, debounced.
  await page.getByRole('button', { name: 'New article' }).click();
  const editor = page.getByRole('form', { name: 'New article' });
  await editor.waitFor();
  await editor.getByLabel('Title').fill('Shipping to Canada');
  const collection = editor.getByLabel('Collection');
  assert.deepEqual(await optionLabels(collection), ['No collection', 'Shipping', 'Shipping › Customs and duties']);
  await collection.selectOption({ label: 'Shipping' });
  let previews = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/articles/preview')) previews++; });
  const first = 'We ship **every parcel** to Canada within five days. <b onmouseover="alert(1)">raw</b>';
  await editor.getByLabel('Text (Markdown)').pressSequentially(first, { delay: 15 });
  const preview = editor.getByRole('region', { name: 'Preview' });
  await preview.locator('strong', { hasText: 'every parcel' }).waitFor();
  assert.ok(previews >= 1 && previews <= 3, `${previews} preview requests for ${first.length} keystrokes`);
  assert.equal(await preview.locator('[onmouseover], b').count(), 0, 'raw HTML is left out of the preview');

  await editor.getByRole('button', { name: 'Save draft' }).click();
  const saved = page.getByRole('form', { name: 'Edit Shipping to Canada' });
  await saved.getByRole('status').getByText('Draft saved.').waitFor();
  const [article] = (await admin.call('GET', '/api/v1/articles')).items;
  assert.deepEqual([article.title, article.status, article.collection_id], ['Shipping to Canada', 'draft', shipping.id]);
  await page.getByRole('row', { name: /Shipping to Canada/ }).getByText('Draft').waitFor();
  assert.doesNotMatch(await (await fetch(`${daemon.url}/help/`)).text(), /Shipping to Canada/, 'a draft is not public');
  assert.equal(await saved.getByRole('link', { name: 'View on help center' }).isVisible(), false);

  // More text, then publish: the link to the public page, Unpublish instead of Publish.
  await saved.getByLabel('Text (Markdown)').press('Control+End');
  await saved.getByLabel('Text (Markdown)').pressSequentially('\n\nCustoms forms are included.');
  await saved.getByRole('button', { name: 'Publish', exact: true }).click();
  await saved.getByRole('status').getByText('Published on the help center.').waitFor();
  assert.equal(await saved.getByRole('link', { name: 'View on help center' }).getAttribute('href'), article.url);
  assert.equal(await saved.getByRole('button', { name: 'Publish', exact: true }).isVisible(), false);
  await saved.getByRole('button', { name: 'Unpublish' }).waitFor();
  await saved.getByRole('button', { name: 'Save changes' }).waitFor();
  await page.getByRole('row', { name: /Shipping to Canada/ }).getByText('Published').waitFor();
  const published = await admin.call('GET', `/api/v1/articles/${article.id}`);
  assert.equal(published.status, 'published');
  assert.match(published.body, /Customs forms are included\.$/);

  // The status filter.
  await page.getByRole('region', { name: 'Articles' }).getByLabel('Status').selectOption('draft');
  await page.getByText('No draft articles.').waitFor();
  await page.getByRole('region', { name: 'Articles' }).getByLabel('Status').selectOption('published');
  await page.getByRole('row', { name: /Shipping to Canada/ }).waitFor();

  // Revisions: the first version comes back (still published).
  const restore = saved.getByRole('button', { name: /^Restore/ });
  await eventually(async () => (await restore.count()) === 1, { what: 'one older revision' });
  await restore.click();
  await confirm(page, 'Restore');
  await saved.getByRole('status').getByText(/was restored\.$/).waitFor();
  assert.equal(await saved.getByLabel('Text (Markdown)').inputValue(), first);
  const restored = await admin.call('GET', `/api/v1/articles/${article.id}`);
  assert.deepEqual([restored.body, restored.status], [first, 'published']);
  assert.equal((await admin.call('GET', `/api/v1/articles/${article.id}/revisions`)).items.length, 3);

  // The editor fits a phone-sized screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the editor is ${width}px wide at 390px`);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The public help center: the home page lists it, the article page shows the bold text, search finds it.
  const visitor = await browser.newPage();
  await visitor.goto(`${daemon.url}/help/`);
  await visitor.getByRole('link', { name: 'Shipping to Canada' }).first().click();
  await visitor.waitForURL(`${daemon.url}/help/articles/${article.slug}`);
  await visitor.locator('strong', { hasText: 'every parcel' }).waitFor();
  await visitor.goto(`${daemon.url}/help/search?q=parcel`);
  await visitor.getByRole('link', { name: 'Shipping to Canada' }).waitFor();
  await visitor.close();

  // Unpublish takes it off the help center.
  await saved.getByRole('button', { name: 'Unpublish' }).click();
  await saved.getByRole('status').getByText('Unpublished: the article is a draft again.').waitFor();
  assert.equal((await fetch(`${daemon.url}/help/articles/${article.slug}`)).status, 404);

  // Delete asks first.
  const old = await admin.call('POST', '/api/v1/articles', { title: 'Old returns policy', body: 'Gone soon.' });
  await settings(page, 'Help center');
  await page.getByRole('button', { name: 'Edit Old returns policy' }).click();
  await page.getByRole('form', { name: 'Edit Old returns policy' }).getByRole('button', { name: 'Delete' }).click();
  await confirm(page, 'Delete');
  await page.getByText('Old returns policy was deleted.').waitFor();
  assert.equal((await admin.call('GET', '/api/v1/articles')).items.some((a) => a.id === old.id), false);

  // Deleting the sub-collection asks first too.
  await page.getByRole('button', { name: 'Delete collection Customs and duties' }).click();
  await confirm(page, 'Delete');
  await page.getByText('Customs and duties was deleted.').waitFor();
  assert.deepEqual((await admin.call('GET', '/api/v1/collections')).items.map((c) => c.name), ['Shipping']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a visitor finds an article in the widget\'s Help tab, and the composer suggests it', async () => {
  const kayak = await admin.call('POST', '/api/v1/articles', {
    title: 'Returning a damaged kayak', status: 'published',
    body: 'If your kayak arrived damaged, **send us a photo of the hull** and we arrange a free pickup.',
  });
  await admin.call('POST', '/api/v1/articles', { title: 'Gift cards', body: 'Gift cards never expire.', status: 'published' });
  await admin.call('POST', '/api/v1/articles', { title: 'Kayak storage tips', body: 'Keep your kayak dry.', status: 'draft' });

  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${shop.url}/`);
  await page.locator('#switchboard-widget[data-state="ready"]').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Open chat' }).click();
  const chatTab = page.getByRole('tab', { name: 'Chat' });
  const helpTab = page.getByRole('tab', { name: 'Help' });
  assert.equal(await chatTab.getAttribute('aria-selected'), 'true');
  await helpTab.click();
  assert.equal(await helpTab.getAttribute('aria-selected'), 'true');
  assert.equal(await chatTab.getAttribute('aria-selected'), 'false');
  assert.equal(await page.getByLabel('Message', { exact: true }).isVisible(), false, 'the chat is behind its tab');

  // An empty box: the most read published articles (no drafts).
  const titles = () => page.locator('.hits .ht').allTextContents();
  // (The first test's article is a draft again by now; its outcome does not matter here.)
  await eventually(async () => (await titles()).includes('Gift cards'), { what: 'the popular articles' });
  assert.ok((await titles()).includes('Returning a damaged kayak'));
  assert.equal((await titles()).includes('Kayak storage tips'), false, 'no drafts');
  await page.getByRole('heading', { name: 'Popular articles' }).waitFor();
  const box = page.getByRole('searchbox', { name: 'Search help articles' });
  await box.pressSequentially('kayak', { delay: 20 });
  await eventually(async () => (await titles()).join('|') === 'Returning a damaged kayak', { what: 'one match for "kayak"' });

  // The article inside the widget, with a link to its public page, and Back.
  await page.getByRole('button', { name: 'Returning a damaged kayak' }).click();
  await page.getByRole('heading', { name: 'Returning a damaged kayak' }).waitFor();
  await page.locator('.ab strong', { hasText: 'send us a photo of the hull' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Open in help center' }).getAttribute('href'), kayak.url);
  await page.getByRole('button', { name: 'Back' }).click();
  await box.waitFor();
  assert.equal(await box.inputValue(), 'kayak');
  assert.equal(await page.getByRole('button', { name: 'Returning a damaged kayak' })
    .evaluate((b) => b.getRootNode().activeElement === b), true, 'Back returns to the opened result');

  // The tabs with the keyboard: arrows move between them.
  await helpTab.focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await chatTab.getAttribute('aria-selected'), 'true');
  await page.getByLabel('Message', { exact: true }).waitFor();

  // Writing a question suggests the article; a short word does not.
  const message = page.getByLabel('Message', { exact: true });
  const suggestions = page.getByRole('region', { name: 'These articles may help:' });
  await message.pressSequentially('hi');
  await new Promise((r) => setTimeout(r, 900));
  assert.equal(await suggestions.isVisible(), false, 'no suggestion for a short greeting');
  await message.fill('');
  await message.pressSequentially('My kayak arrived damaged, what now?', { delay: 10 });
  await suggestions.getByRole('button', { name: 'Returning a damaged kayak' }).click();
  assert.equal(await helpTab.getAttribute('aria-selected'), 'true');
  await page.getByRole('heading', { name: 'Returning a damaged kayak' }).waitFor();
  await page.locator('.ab', { hasText: 'free pickup' }).waitFor();
  // The chat still works, and sending clears the suggestions.
  await chatTab.click();
  assert.equal(await message.inputValue(), 'My kayak arrived damaged, what now?');
  await message.focus();
  await page.keyboard.press('Enter');
  await page.locator('.m.in:not(.pending)', { hasText: 'My kayak arrived damaged, what now?' }).waitFor();
  assert.equal(await suggestions.isVisible(), false);
  // Each article opened in the widget counted a view.
  assert.equal((await admin.call('GET', `/api/v1/articles/${kayak.id}`)).views, 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test('teammates who may not write articles get no Help center page', async () => {
  await admin.call('POST', '/api/v1/teammates', {
    email: 'val@example.com', name: 'Val Viewer', role: 'viewer', password: 'viewer-password-1',
  });
  await admin.call('POST', '/api/v1/teammates', {
    email: 'ada@example.com', name: 'Ada Agent', role: 'agent', password: 'agent-password-1',
  });
  const viewer = await signIn(browser, daemon.url, 'val@example.com', 'viewer-password-1');
  assert.equal(await viewer.page.getByRole('link', { name: 'Settings', exact: true }).isVisible(), false);
  await viewer.page.goto(`${daemon.url}/app/#/settings/helpcenter`);
  await viewer.page.getByText('Your role has no settings to manage.').waitFor();
  assert.equal(await viewer.page.getByRole('button', { name: 'New article' }).count(), 0);
  assert.deepEqual(viewer.errors, []);
  await viewer.page.close();

  // An agent has settings (business hours), but not this page.
  const agent = await signIn(browser, daemon.url, 'ada@example.com', 'agent-password-1');
  await agent.page.getByRole('link', { name: 'Settings', exact: true }).click();
  await agent.page.getByRole('heading', { name: 'Business hours', level: 2 }).waitFor();
  assert.equal(await agent.page.getByRole('link', { name: 'Help center' }).count(), 0);
  await agent.page.goto(`${daemon.url}/app/#/settings/helpcenter`);
  await agent.page.getByText('Your role has no settings to manage.').waitFor();
  assert.equal(await agent.page.getByRole('button', { name: 'New article' }).count(), 0);
  assert.deepEqual(agent.errors, []);
  await agent.page.close();
});
