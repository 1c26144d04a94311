// Share links (issue #7) in a real browser: copy a link, open it in a new page and see the
// same timeline; a truncated link gives a message; the embed view and its "Open in
// Hookline" link; Markdown export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchErrors, screenshot, loadExample } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serve('/');
  browser = await launch({ permissions: ['clipboard-read', 'clipboard-write'] });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function fresh() {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('.step').first().waitFor();
  return { page, errors };
}

/** What the timeline shows, as text per step (for comparing two pages). */
const timeline = (page) =>
  page.locator('#timeline .step').evaluateAll((els) =>
    els.map((e) =>
      [...e.querySelectorAll('.card, .acts.resources li')].map((c) => `${c.dataset.kind || ''}/${c.dataset.name}:${c.dataset.result || ''}`),
    ),
  );

async function shareLink(page) {
  await page.locator('#share-button').click();
  await page.locator('#share-link').waitFor();
  await page.waitForFunction(() => document.querySelector('#share-link').value.includes('#h1.'));
  return page.locator('#share-link').inputValue();
}

test('a link opens the same timeline; it is copied to the clipboard', async () => {
  const { page, errors } = await fresh();
  await page.locator('#gallery-toggle').click();
  await page.locator('[data-example="ingress-nginx-admission"]').click();
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 2);
  await page.locator('.card[data-name="ingress-nginx-admission-patch"] button.outcome').first().click();
  await page.locator('.step.failed').waitFor();
  const before = await timeline(page);
  const link = await shareLink(page);
  const length = await page.locator('#share-length').innerText();
  assert.match(length, new RegExp(`^${link.length} characters`));
  // A gallery chart travels as id + hash + edits: short.
  assert.ok(link.length < 2000, `link is ${link.length} chars`);
  await page.screenshot({ path: new URL('./out/share-panel.png', import.meta.url).pathname });
  await page.locator('#copy-link').click();
  await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent.includes('copied'));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);

  const other = await browser.context.newPage();
  await other.goto(link);
  await other.locator('.step.failed').waitFor();
  assert.deepEqual(await timeline(other), before);
  assert.match(await other.locator('#notice').innerText(), /Opened a shared link/);
  // The link is read once: the address no longer carries it, and a reload keeps the state.
  assert.ok(!other.url().includes('#h1.'));
  await other.reload();
  await other.locator('.step.failed').waitFor();
  assert.deepEqual(await timeline(other), before);
  assert.deepEqual(errors, []);
  await other.close();
  await page.close();
});

test('a truncated or damaged link gives a clear message, not a crash', async () => {
  const { page } = await fresh();
  const link = await shareLink(page);
  const errors = [];
  const other = await browser.context.newPage();
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto(link.slice(0, link.length - 25));
  await other.locator('#notice').waitFor();
  assert.match(await other.locator('#notice').innerText(), /could not be opened: this link is (truncated|damaged)/);
  await other.locator('.step').first().waitFor();
  await screenshot(other, 'broken-link');
  await other.goto(`${server.url}#h1.not*valid`);
  await other.reload();
  await other.locator('#notice').waitFor();
  assert.match(await other.locator('#notice').innerText(), /damaged/);
  assert.deepEqual(errors, []);
  await other.close();
  await page.close();
});

test('embed mode is read-only and its "Open in Hookline" link carries the state', async () => {
  const { page } = await fresh();
  await page.locator('#gallery-toggle').click();
  await page.locator('[data-example="upgrade-rollback"]').click();
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 3);
  const before = await timeline(page);
  const link = await shareLink(page);
  const hash = link.slice(link.indexOf('#'));
  const embed = await browser.context.newPage();
  await embed.setViewportSize({ width: 700, height: 600 });
  await embed.goto(`${server.url}?embed=1${hash}`);
  await embed.locator('.step').first().waitFor();
  assert.equal(await embed.locator('#editor').count(), 0);
  assert.equal(await embed.locator('button.outcome').count(), 0);
  assert.deepEqual(await timeline(embed), before);
  const href = await embed.locator('#open-in-hookline').getAttribute('href');
  assert.ok(href.endsWith(hash), href);
  assert.ok(!href.includes('embed=1'));
  await screenshot(embed, 'embed');
  const full = await browser.context.newPage();
  await full.goto(href);
  await full.locator('#editor').waitFor();
  await full.waitForFunction(() => document.querySelectorAll('.step').length === 3);
  assert.deepEqual(await timeline(full), before);
  await full.close();
  await embed.close();
  await page.close();
});

test('the embed works inside a sandboxed iframe, rendering in the worker', async () => {
  const { page, errors } = await fresh();
  const link = await shareLink(page);
  const hash = link.slice(link.indexOf('#'));
  await page.setContent(
    `<iframe id="f" src="${server.url}?embed=1${hash}" sandbox="allow-scripts allow-same-origin allow-popups" width="800" height="600"></iframe>`,
  );
  const frame = page.frameLocator('#f');
  await frame.locator('.step').first().waitFor();
  assert.ok((await frame.locator('.card').count()) > 0);
  // The render worker starts inside the sandbox too (same-origin scripts may start workers).
  await frame.locator('.embed[data-busy="false"]').waitFor();
  assert.equal(await frame.locator('.embed').getAttribute('data-runner'), 'worker');
  assert.ok(Number(await frame.locator('.embed').getAttribute('data-workers')) >= 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the plan is exported as Markdown with the link', async () => {
  const { page } = await fresh();
  await page.locator('#copy-markdown').click();
  await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent.includes('Markdown copied'));
  const md = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(md, /## Hookline plan/);
  assert.match(md, /\[Open this plan in Hookline\]\(http.*#h1\./);
  await page.close();
});

test('the link carries the selected step, the theme and the view; a new page opens on them', async () => {
  const { page, errors } = await fresh();
  await loadExample(page, 'backup-job');
  // Before any selection or setting: no query, and the link opens with nothing selected.
  const plain = await shareLink(page);
  assert.doesNotMatch(plain, /\?/);
  await page.locator('#share-button').click();
  const steps = page.locator('#timeline .step');
  assert.ok((await steps.count()) >= 2);
  await steps.nth(1).locator('.step-select').click();
  assert.equal(await steps.nth(1).getAttribute('aria-current'), 'step');
  assert.equal(await steps.nth(1).locator('.step-select').getAttribute('aria-pressed'), 'true');
  // View settings go in the query string, rewritten in place (no new history entry).
  const entries = await page.evaluate(() => history.length);
  await page.locator('#theme').selectOption('dark');
  await page.locator('#tab-rendered').click();
  await page.waitForFunction(() => location.search === '?theme=dark&view=rendered');
  assert.equal(await page.evaluate(() => history.length), entries);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(18, 20, 24)', 'the dark theme is not applied');
  await page.locator('#tab-timeline').click();
  await page.waitForFunction(() => location.search === '?theme=dark');
  await page.locator('#tab-rendered').click();
  const link = await shareLink(page);
  assert.match(link, /\?theme=dark&view=rendered#h1\./);
  await screenshot(page, 'share-step-theme-view');

  // Opened in a new page: the same step selected, the same theme and view.
  const other = await browser.context.newPage();
  const otherErrors = watchErrors(other);
  await other.goto(link);
  await other.locator('#tab-rendered[aria-pressed="true"]').waitFor();
  await other.locator('#rendered pre').first().waitFor();
  assert.equal(await other.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await other.locator('#theme').inputValue(), 'dark');
  // The fragment is read and dropped; the settings stay in the address.
  assert.equal(await other.evaluate(() => location.search + location.hash), '?theme=dark&view=rendered');
  await other.locator('#tab-timeline').click();
  const selected = other.locator('#timeline .step[aria-current="step"]');
  await selected.waitFor();
  assert.equal(await selected.getAttribute('data-index'), '1');
  assert.deepEqual(await timeline(other), await timeline(page));
  // The embed of the same link shows that step first.
  const frag = link.slice(link.indexOf('#'));
  await other.goto(`${server.url}?embed=1${frag}`);
  await other.locator('.embed .step[aria-current="step"]').waitFor();
  assert.equal(await other.locator('.embed .step[aria-current="step"]').getAttribute('data-index'), '1');
  assert.equal(await other.evaluate(() => document.documentElement.dataset.theme), undefined);

  // A link without a step (and a system theme) still opens with nothing selected.
  await other.goto(plain);
  await other.locator('#timeline .step').first().waitFor();
  assert.equal(await other.locator('#timeline .step[aria-current]').count(), 0);
  assert.equal(await other.evaluate(() => document.documentElement.dataset.theme), undefined);
  assert.deepEqual(otherErrors, []);
  assert.deepEqual(errors, []);
  await other.close();
  await page.close();
});
