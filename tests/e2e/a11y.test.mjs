// Accessibility in headless Chromium (issue 20): the checker of a11y.mjs finds
// each fault it is for on a page made to have them; then every kind of public
// help-center page passes it (headings, labels, names, contrast) in the default
// colour and with dark, light and mid-grey widget colours, and so does the agent
// app's Settings → Help center page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, checkA11y, formatViolations } from './a11y.mjs';
import { launchBrowser, login, signIn, startDaemon } from './support.mjs';

let daemon;
let admin;
let browser;
let article; // published, in a sub-collection
let shipping; // its collection's parent
let customs; // a sub-collection

before(async () => {
  daemon = await startDaemon();
  admin = await login(daemon.url, daemon.email, daemon.password);
  shipping = await admin.call('POST', '/api/v1/collections', { name: 'Shipping', description: 'Parcels, customs and delivery times.' });
  customs = await admin.call('POST', '/api/v1/collections', { name: 'Customs', parent_id: shipping.id });
  await admin.call('POST', '/api/v1/collections', { name: 'Empty shelf' });
  // An article with what Markdown authors write: a top-level "#" heading of its own
  // (a second h1 unless the page fits it under the title), sections, a picture, a
  // link, code, a quote and a table.
  article = await admin.call('POST', '/api/v1/articles', {
    title: 'Shipping to Canada', status: 'published', collection_id: customs.id,
    body: [
      '# Shipping to Canada', '',
      'We ship **every parcel** to Canada within five days. See [our rates](https://example.com/rates).', '',
      '![A parcel on a doorstep](/favicon.svg)', '',
      '## Customs forms', '', 'Customs forms are included.', '',
      '### Duties', '', '> Duties are paid on delivery.', '',
      '```', 'tracking: CA123', '```', '',
      '| Zone | Days |', '| --- | --- |', '| East | 3 |', '| West | 5 |',
    ].join('\n'),
  });
  await admin.call('POST', '/api/v1/articles', {
    title: 'Tracking a parcel', status: 'published', collection_id: shipping.id,
    body: '## Where is my parcel?\n\nUse the tracking link in the shipping email.',
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
});

test('the checker finds each fault it is for, and nothing on a sound page', async () => {
  const page = await browser.newPage();
  await page.setContent(`<!doctype html><html><head><title>Bad</title></head><body>
    <div class="top"><h2>First</h2><h1>One</h1><h1>Two</h1><h4>Deep</h4><h3> </h3></div>
    <input id="nameless" type="text">
    <label>Wrapped <input id="wrapped"></label>
    <label for="byfor">By for</label><input id="byfor">
    <input aria-label="By aria" id="byaria"><span id="lbl">By ids</span><select aria-labelledby="lbl"></select>
    <textarea id="bare"></textarea><input type="hidden" name="h"><input id="invisible" hidden>
    <img src="/x.png"><img src="/y.png" alt="">
    <a href="/empty" id="empty-link"></a><a href="/ok">Fine</a><a href="/pic"><img src="/p.png" alt="Picture"></a>
    <button id="empty-button"></button><button aria-label="Close">×</button>
    <p id="grey" style="color:#999999">Too light on white</p>
    <p id="dark-on-dark" style="color:#333;background:#222">Dark on dark</p>
    <p id="large" style="color:#949494;font-size:24px">Large grey text passes at 3:1</p>
    <p id="bold" style="color:#949494;font-size:19px;font-weight:700">Bold 19px grey passes too</p>
    <p id="small-bold" style="color:#949494;font-size:18px;font-weight:700">Bold 18px does not</p>
    <div style="background:rgb(0 0 0 / 75%)"><span id="half">Black text on three-quarters black</span></div>
    <button disabled style="color:#bbb">Disabled is exempt</button>
    <p class="vh" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);color:#fff">Visually hidden</p>
  </body></html>`);
  const found = await checkA11y(page);
  const has = (rule, fragment) => found.some((v) => v.rule === rule && v.selector.includes(fragment));
  const rules = (rule) => found.filter((v) => v.rule === rule);
  const seen = formatViolations(found);
  assert.ok(has('html-lang', 'document'), seen);
  assert.ok(has('main-landmark', 'document'), seen);
  assert.equal(rules('one-h1').length, 1, seen);
  assert.match(rules('one-h1')[0].detail, /2 h1 headings: "One", "Two"/);
  assert.deepEqual(rules('heading-order').map((v) => v.detail), ['the first heading is h2', 'h1 then h4'], seen);
  assert.equal(rules('heading-empty').length, 1, seen);
  assert.deepEqual(rules('form-label').map((v) => v.selector.split(' ')[0]).sort(), ['#bare', '#nameless'], seen);
  assert.equal(rules('img-alt').length, 1, seen);
  assert.match(rules('img-alt')[0].detail, /\/x\.png/);
  assert.deepEqual(rules('link-name').map((v) => v.selector), ['#empty-link'], seen);
  assert.deepEqual(rules('button-name').map((v) => v.selector), ['#empty-button'], seen);
  const contrast = rules('contrast').map((v) => v.selector.split(' ')[0]).sort();
  assert.deepEqual(contrast, ['#dark-on-dark', '#grey', '#half', '#small-bold'], seen);
  assert.match(rules('contrast').find((v) => v.selector.startsWith('#grey')).detail, /^2\.85:1 for #999999 on #ffffff/);

  // The same kinds of things done right: no violation.
  await page.setContent(`<!doctype html><html lang="en"><head><title>Good</title></head><body>
    <main><h1>One</h1><h2>Two</h2><h3>Three</h3><h2>Two again</h2>
    <label for="a">A</label><input id="a"><img src="/x.png" alt="">
    <a href="/ok">Fine</a><button>Go</button>
    <p style="color:#767676">Grey that just passes</p>
    <div style="background:#1e3a8a"><p style="color:#fff">White on dark blue</p></div></main>
  </body></html>`);
  assert.deepEqual(await checkA11y(page), []);
  // Rules can be left out.
  await page.setContent('<!doctype html><html lang="en"><body><main><h2>No h1</h2></main></body></html>');
  assert.deepEqual((await checkA11y(page)).map((v) => v.rule), ['one-h1', 'heading-order']);
  assert.deepEqual(await checkA11y(page, { skip: ['one-h1', 'heading-order'] }), []);
  await page.close();
});

// Every kind of public page, as a visitor's browser renders it.
async function checkHelpCenter(label) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const visit = async (path, name, status = 200) => {
    const res = await page.goto(`${daemon.url}${path}`);
    if (status !== null) assert.equal(res.status(), status, `${name}: ${path}`);
    await assertAccessible(page, `${name}, ${label}`);
  };
  await visit('/help/', 'home');
  await visit(`/help/collections/${shipping.slug}`, 'collection');
  await visit(`/help/collections/${customs.slug}`, 'sub-collection');
  await visit('/help/collections/empty-shelf', 'empty collection', null);
  await visit(`/help/articles/${article.slug}`, 'article');
  await visit('/help/search?q=parcel', 'search');
  await visit('/help/search?q=zzzqqq', 'search without results');
  await visit('/help/search', 'search without a query');
  await visit('/help/articles/no-such-article', 'not found', 404);
  // The skip link, once focused, is in view and readable too.
  await page.goto(`${daemon.url}/help/`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await assertAccessible(page, `home with the skip link focused, ${label}`);
  assert.deepEqual(errors, []);
  await page.close();
}

test('the help center passes in the default colour', async () => {
  await checkHelpCenter('default colour');
});

// Dark and light brand colours, and greys around the point where neither white
// nor near-black text reaches 4.5:1 on them.
for (const color of ['#111827', '#1e3a8a', '#fde047', '#ffffff', '#22c55e', '#777777', '#7a7a7a', '#757575']) {
  test(`the help center passes with the widget colour ${color}`, async () => {
    await admin.call('PATCH', '/api/v1/widget/settings', { color });
    const html = await (await fetch(`${daemon.url}/help/`)).text();
    assert.ok(html.includes(`--brand:${color}`), 'the page takes the widget colour');
    await checkHelpCenter(color);
  });
}

test('the agent app\'s Settings → Help center page passes (the app has no h1 once signed in)', async () => {
  const { page, errors } = await signIn(browser, daemon.url, daemon.email, daemon.password);
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Help center', exact: true }).click();
  await page.getByRole('heading', { name: 'Help center', level: 2 }).waitFor();
  await page.getByRole('row', { name: /Shipping to Canada/ }).waitFor();
  await assertAccessible(page, 'Settings → Help center', { skip: ['one-h1', 'heading-order'] });
  await page.getByRole('button', { name: 'Edit Shipping to Canada' }).click();
  await page.getByRole('form', { name: 'Edit Shipping to Canada' }).getByRole('region', { name: 'Preview' })
    .locator('strong', { hasText: 'every parcel' }).waitFor();
  await assertAccessible(page, 'the article editor', { skip: ['one-h1', 'heading-order'] });
  assert.deepEqual(errors, []);
  await page.close();
});
