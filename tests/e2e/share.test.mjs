// Share links (issue #7) in a real browser: copy a link, open it in a new page and see the
// same timeline; a truncated link gives a message; the embed view and its "Open in
// Hookline" link; Markdown export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchErrors, screenshot } from './harness.mjs';

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
