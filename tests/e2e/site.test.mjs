// The release build as people meet it (issues #7 and #12): served at the root of a domain and
// under a sub-path, its share links and embed code use absolute URLs of where it is served; a
// documentation page embeds it with the copied iframe snippet and with embed.js (sandboxed with
// exactly the documented tokens); the embed's "Open in Hookline" link carries the full state;
// embeds never autosave; the footer shows the version; the plan exports as SVG and as the same
// Markdown the command line prints.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, launch, watchErrors, screenshot, root, outDir } from './harness.mjs';

const SANDBOX = 'allow-scripts allow-same-origin allow-popups';
const VERSION = fs
  .readFileSync(path.join(root, 'Cargo.toml'), 'utf8')
  .split('[workspace.package]')[1]
  .match(/^version = "([^"]+)"/m)[1];
const CLI =
  process.env.HOOKLINE_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(root, 'target'), 'debug/hookline');

/** A manifest a documentation page might show: a pre-upgrade migration and a Deployment. */
const MANIFEST = `apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: example/migrate:1.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: example/web:1.0
`;

/** Another origin on the same server (localhost instead of 127.0.0.1): the documentation site. */
const docsOrigin = (server) => server.origin.replace('127.0.0.1', 'localhost');

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What the timeline shows, as text per step (for comparing two pages). */
const timeline = (scope) =>
  scope.locator('#timeline .step').evaluateAll((els) =>
    els.map((e) =>
      [...e.querySelectorAll('.card, .acts.resources li')].map((c) => `${c.dataset.kind || ''}/${c.dataset.name}:${c.dataset.result || ''}`),
    ),
  );

async function openExample(page, url, id, steps) {
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('.step').first().waitFor();
  await page.locator('#gallery-toggle').click();
  await page.locator(`[data-example="${id}"]`).click();
  await page.waitForFunction((n) => document.querySelectorAll('.step').length === n, steps);
}

async function shareLink(page) {
  await page.locator('#share-button').click();
  await page.waitForFunction(() => document.querySelector('#share-link').value.includes('#h1.'));
  return page.locator('#share-link').inputValue();
}

async function clipboardAfter(page, button, what) {
  await page.locator(button).click();
  await page.waitForFunction((w) => document.querySelector('[role=status]')?.textContent.includes(`${w} copied`), what);
  return page.evaluate(() => navigator.clipboard.readText());
}

for (const base of ['/', '/hookline/']) {
  describe(`the site served at ${base}`, () => {
    let server;
    let browser;
    const docs = {};
    before(async () => {
      server = await serve(base, docs);
      browser = await launch({ permissions: ['clipboard-read', 'clipboard-write'], acceptDownloads: true });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    test('loads, shows its version, and shares absolute links that open the same timeline', async () => {
      const page = await browser.context.newPage();
      const errors = watchErrors(page);
      await openExample(page, server.url, 'backup-job', 3);
      assert.equal(await page.locator('#version').innerText(), `Hookline v${VERSION}`);
      const before = await timeline(page);
      if (base === '/') {
        // The README's picture (copied to docs/timeline.png): the seed's example, its third
        // step's failing backup.
        fs.mkdirSync(outDir, { recursive: true });
        await page.locator('section.output').screenshot({ path: path.join(outDir, 'readme-timeline.png') });
      }
      const link = await shareLink(page);
      assert.ok(link.startsWith(`${server.url}#h1.`), link);
      console.log(`# ${base}: backup-job, three steps: the share link is ${link.length} characters`);
      assert.ok(link.length < 2000);
      const other = await browser.context.newPage();
      await other.goto(link);
      await other.waitForFunction(() => document.querySelectorAll('.step').length === 3);
      assert.deepEqual(await timeline(other), before);
      assert.equal(new URL(other.url()).pathname, base);
      assert.deepEqual(errors, []);
      await other.close();
      await page.close();
    });

    test('a documentation page embeds it with the copied snippet and with embed.js', async () => {
      const page = await browser.context.newPage();
      await openExample(page, server.url, 'upgrade-rollback', 3);
      const expected = await timeline(page);
      await shareLink(page);
      const snippet = await clipboardAfter(page, '#copy-embed', 'Embed code');
      const frame = await page.evaluate((html) => {
        const f = new DOMParser().parseFromString(html, 'text/html').querySelector('iframe');
        return { src: f.getAttribute('src'), sandbox: f.getAttribute('sandbox'), title: f.getAttribute('title') };
      }, snippet);
      assert.ok(frame.src.startsWith(`${server.url}?embed=1#h1.`), frame.src);
      assert.equal(frame.sandbox, SANDBOX);
      assert.ok(frame.title);
      await page.close();

      docs['/docs/index.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Our chart's hooks</title><link rel="icon" href="data:,">
<script src="${server.url}public/embed.js" defer></script></head>
<body><h1>What our chart's hooks do</h1>
<p>The upgrade with a rollback, shared from the playground:</p>
${snippet}
<p>The migration Job, over an install and an upgrade:</p>
<pre data-hookline data-scenario="install → upgrade" data-height="420">
${escapeHtml(MANIFEST)}</pre>
</body></html>`;
      const docsPage = await browser.context.newPage();
      const errors = watchErrors(docsPage);
      await docsPage.setViewportSize({ width: 1000, height: 1400 });
      // The documentation lives on another origin than the site, as it would.
      await docsPage.goto(`${docsOrigin(server)}/docs/index.html`);
      await docsPage.waitForFunction(() => document.querySelectorAll('iframe').length === 2 && !document.querySelector('pre'));
      const frames = await docsPage.locator('iframe').evaluateAll((els) =>
        els.map((f) => ({ src: f.getAttribute('src'), sandbox: f.getAttribute('sandbox') })),
      );
      for (const f of frames) {
        assert.equal(f.sandbox, SANDBOX);
        assert.ok(f.src.startsWith(`${server.url}?embed=1#h1.`), f.src);
      }
      const copied = docsPage.frameLocator('iframe >> nth=0');
      const fromPre = docsPage.frameLocator('iframe >> nth=1');
      await copied.locator('.step').first().waitFor();
      await fromPre.locator('.step').first().waitFor();
      assert.deepEqual(await timeline(copied), expected);
      assert.equal(await copied.locator('#editor').count(), 0);
      const preSteps = await timeline(fromPre);
      assert.equal(preSteps.length, 2);
      assert.ok(preSteps[0].some((c) => c.startsWith('Job/db-migrate')), JSON.stringify(preSteps));
      assert.ok(preSteps[1].some((c) => c.startsWith('Job/db-migrate')), JSON.stringify(preSteps));
      await screenshot(docsPage, `embed-docs${base === '/' ? '' : '-subpath'}`);
      // Autosave is off in embeds: their storage stays empty (or, where the browser denies a
      // cross-site frame its storage, the embed still runs).
      for (const f of docsPage.frames().filter((f) => f.url().includes('embed=1'))) {
        const keys = await f.evaluate(() => {
          try {
            return Object.keys(localStorage);
          } catch {
            return [];
          }
        });
        assert.deepEqual(keys, [], 'an embed wrote to localStorage');
      }

      // "Open in Hookline" (allowed by allow-popups) opens the full playground with the state.
      const [full] = await Promise.all([
        browser.context.waitForEvent('page'),
        fromPre.locator('#open-in-hookline').click(),
      ]);
      await full.locator('#editor').waitFor();
      await full.waitForFunction(() => document.querySelectorAll('.step').length === 2);
      assert.ok(full.url().startsWith(server.url), full.url());
      assert.ok(!full.url().includes('embed=1'));
      assert.deepEqual(await timeline(full), preSteps);
      await full.close();

      assert.deepEqual(errors, []);
      await docsPage.close();
    });
  });
}

describe('embeds and exports', () => {
  let server;
  let browser;
  const pages = {};
  before(async () => {
    server = await serve('/hookline/', pages);
    browser = await launch({ permissions: ['clipboard-read', 'clipboard-write'], acceptDownloads: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('without allow-same-origin the embed cannot start (why the token is needed)', async () => {
    const page = await browser.context.newPage();
    await openExample(page, server.url, 'backup-job', 3);
    const link = await shareLink(page);
    const hash = link.slice(link.indexOf('#'));
    pages['/docs/sandbox.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sandbox</title></head><body>
<iframe id="all" src="${server.url}?embed=1${hash}" sandbox="${SANDBOX}" width="800" height="300"></iframe>
<iframe id="opaque" src="${server.url}?embed=1${hash}" sandbox="allow-scripts allow-popups" width="800" height="300"></iframe>
</body></html>`;
    await page.goto(`${docsOrigin(server)}/docs/sandbox.html`);
    await page.frameLocator('#all').locator('.step').first().waitFor();
    // The module script and .wasm are fetched in CORS mode from an opaque origin, which a
    // static host without CORS headers refuses: the opaque frame never renders a step.
    await page.waitForTimeout(1500);
    assert.equal(await page.frameLocator('#opaque').locator('.step').count(), 0);
    await page.close();
  });

  test('the tab an embed opens inherits its sandbox: the playground works, downloads do not', async () => {
    const page = await browser.context.newPage();
    pages['/docs/popup.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>popup</title><link rel="icon" href="data:,"></head>
<body><iframe id="f" src="${server.url}?embed=1" sandbox="${SANDBOX}" width="800" height="400"></iframe></body></html>`;
    await page.goto(`${docsOrigin(server)}/docs/popup.html`);
    await page.frameLocator('#f').locator('.step').first().waitFor();
    const [full] = await Promise.all([
      browser.context.waitForEvent('page'),
      page.frameLocator('#f').locator('#open-in-hookline').click(),
    ]);
    await full.locator('#editor').waitFor();
    let downloads = 0;
    full.on('download', () => downloads++);
    await full.locator('#download-json').click();
    await full.waitForTimeout(1500);
    // HTML gives a popup its opener's sandbox flags (no allow-downloads) unless the iframe
    // also has allow-popups-to-escape-sandbox; the README says so.
    assert.equal(downloads, 0);
    const plain = await browser.context.newPage();
    await plain.goto(full.url());
    await plain.locator('#editor').waitFor();
    const [download] = await Promise.all([plain.waitForEvent('download'), plain.locator('#download-json').click()]);
    assert.equal(download.suggestedFilename(), 'hookline-plan.json');
    await plain.close();
    await full.close();
    await page.close();
  });

  test('a downloaded .hookline file opens the same state again', async () => {
    const page = await browser.context.newPage();
    await openExample(page, server.url, 'upgrade-rollback', 3);
    const expected = await timeline(page);
    await page.locator('#share-button').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-hookline').click()]);
    const file = path.join(outDir, 'chart.hookline');
    await download.saveAs(file);
    assert.match(fs.readFileSync(file, 'utf8'), /^h1\.[A-Za-z0-9_-]+$/);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.step').length === 1);
    await page.locator('#share-button').click();
    await page.locator('#hookline-input').setInputFiles(file);
    await page.waitForFunction(() => document.querySelectorAll('.step').length === 3);
    assert.deepEqual(await timeline(page), expected);
    await page.close();
  });

  test('step=N shows that step of an embed first', async () => {
    const page = await browser.context.newPage();
    await openExample(page, server.url, 'upgrade-rollback', 3);
    const link = await shareLink(page);
    await page.evaluate(() => localStorage.clear());
    await page.close();
    const embed = await browser.context.newPage();
    await embed.setViewportSize({ width: 700, height: 400 });
    await embed.goto(`${server.url}?embed=1&step=3${link.slice(link.indexOf('#'))}`);
    await embed.locator('.step[aria-current=step]').waitFor();
    const index = await embed.locator('#timeline .step').evaluateAll((els) => els.findIndex((e) => e.getAttribute('aria-current') === 'step'));
    assert.equal(index, 2);
    await screenshot(embed, 'embed-step-3');
    // Autosave is off in embed mode: after the embed ran, its origin's storage is still empty.
    assert.deepEqual(await embed.evaluate(() => Object.keys(localStorage)), []);
    await embed.close();
  });

  test('view=compare embeds Helm 3 beside Helm 4, and opens the playground on that view', async () => {
    const page = await browser.context.newPage();
    await openExample(page, server.url, 'already-exists', 2);
    const link = await shareLink(page);
    await page.close();
    const embed = await browser.context.newPage();
    await embed.goto(`${server.url}?embed=1&view=compare${link.slice(link.indexOf('#'))}`);
    await embed.locator('#compare').waitFor();
    assert.equal(await embed.locator('#timeline').count(), 0);
    await screenshot(embed, 'embed-compare');
    const href = await embed.locator('#open-in-hookline').getAttribute('href');
    assert.ok(href.startsWith(`${server.url}?view=compare#h1.`), href);
    const full = await browser.context.newPage();
    await full.goto(href);
    await full.locator('#compare').waitFor();
    assert.equal(await full.locator('#tab-compare').getAttribute('aria-pressed'), 'true');
    await full.close();
    await embed.close();
  });

  test('the timeline exports as an SVG document with every hook', async () => {
    const page = await browser.context.newPage();
    await openExample(page, server.url, 'ingress-nginx-admission', 2);
    const hooks = await page
      .locator('#timeline .card')
      .evaluateAll((els) => [...new Set(els.map((e) => `${e.dataset.kind}/${e.dataset.name}`))]);
    assert.ok(hooks.length > 3, JSON.stringify(hooks));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-svg').click()]);
    assert.equal(download.suggestedFilename(), 'hookline-timeline.svg');
    const file = path.join(outDir, 'timeline-export.svg');
    fs.mkdirSync(outDir, { recursive: true });
    await download.saveAs(file);
    const svg = fs.readFileSync(file, 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent || null,
        root: doc.documentElement.namespaceURI + ' ' + doc.documentElement.localName,
        names: [...doc.querySelectorAll('.action')].map((g) => `${g.getAttribute('data-kind')}/${g.getAttribute('data-name')}`),
        steps: doc.querySelectorAll('.step').length,
      };
    }, svg);
    assert.equal(parsed.error, null);
    assert.equal(parsed.root, 'http://www.w3.org/2000/svg svg');
    assert.equal(parsed.steps, 2);
    for (const h of hooks) assert.ok(parsed.names.includes(h), `${h} is not in the SVG`);
    // Rendered as an image, the way a pull request or a wiki shows it.
    const view = await browser.context.newPage();
    await view.setContent(
      `<body style="margin:0"><img id="svg" alt="" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"></body>`,
    );
    await view.waitForFunction(() => document.querySelector('#svg').complete && document.querySelector('#svg').naturalWidth > 0);
    await screenshot(view, 'timeline-export-svg');
    await view.close();
    await page.close();
  });

  test('"Copy as Markdown" gives what `hookline plan LINK --format markdown` prints', async () => {
    const page = await browser.context.newPage();
    await openExample(page, server.url, 'backup-job', 3);
    const md = await clipboardAfter(page, '#copy-markdown', 'Markdown');
    const link = md.match(/\[Open this plan in Hookline\]\((http[^)]+)\)/)[1];
    assert.ok(link.startsWith(`${server.url}#h1.`), link);
    const cli = execFileSync(CLI, ['plan', link, '--format', 'markdown'], { encoding: 'utf8' });
    assert.equal(cli.trimEnd(), md.trimEnd());
    await page.close();
  });
});
