// The playground in a real browser: editing, failing hooks, files, the gallery, autosave,
// keyboard use, a phone-sized viewport, dark mode and an axe-core scan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, watchErrors, screenshot, root, loadExample } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await serve('/');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A page on a clean slate (no autosaved draft). */
async function freshPage(ctx = browser.context, url = server.url) {
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('.step').first().waitFor();
  return { page, errors };
}

const creates = (page, phase) =>
  page
    .locator(`.step >> nth=0 >> .phase[data-phase="${phase}"] li[data-verb="create"]`)
    .evaluateAll((els) => els.map((e) => e.dataset.name));

export const EXAMPLES = [
  // id, number of steps, a hook name that must appear in a card, a status expected somewhere
  ['backup-job', 3, 'nginx-backup'],
  ['weights-and-ties', 1, 'zz-runs-first'],
  ['delete-policies', 2, 'policy-failed'],
  ['missing-configmap', 1, 'init-db'],
  ['already-exists', 2, 'schema-check'],
  ['upgrade-rollback', 3, 'db-restore'],
  ['atomic-install', 1, 'smoke-test'],
  ['uninstall-keep', 2, 'db-final-backup'],
  ['test-hooks', 3, 'web-test-connection'],
  ['ingress-nginx-admission', 2, 'ingress-nginx-admission-create'],
  ['cert-manager-startupapicheck', 2, 'cert-manager-startupapicheck'],
];


test('editing a template changes the timeline', async () => {
  const { page, errors } = await freshPage();
  assert.deepEqual(await creates(page, 'pre-install'), ['migrate', 'db-migrate']);
  const text = await page.locator('#editor').inputValue();
  // Give the ServiceAccount a weight above the Job's: the order flips.
  await page.locator('#editor').fill(text.replace('"helm.sh/hook-weight": "-5"', '"helm.sh/hook-weight": "7"'));
  await page.waitForFunction(
    () => document.querySelector('.phase[data-phase="pre-install"] li[data-verb="create"]')?.dataset.name === 'db-migrate',
  );
  assert.deepEqual(await creates(page, 'pre-install'), ['db-migrate', 'migrate']);
  // The card shows kind, name, weight, delete policy, the wait and why.
  const card = page.locator('.phase[data-phase="pre-install"] .card[data-name="db-migrate"]');
  const cardText = await card.innerText();
  for (const part of ['JOB', 'db-migrate', 'weight 0', 'before-hook-creation, hook-succeeded', 'succeeded', 'why here']) {
    assert.ok(cardText.toUpperCase().includes(part.toUpperCase()), `card lacks ${part}: ${cardText}`);
  }
  await screenshot(page, 'edited-template');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a failing hook fails the release and leaves its objects behind', async () => {
  const { page, errors } = await freshPage();
  const outcome = page.locator('.phase[data-phase="pre-install"] .card[data-name="db-migrate"] button.outcome');
  await outcome.click();
  await page.locator('.step.failed').waitFor();
  const status = await page.locator('.step .status').first().innerText();
  assert.match(status, /failed/);
  assert.match(await page.locator('.step-error').innerText(), /db-migrate/);
  const leftovers = await page.locator('.cluster li.leftover').evaluateAll((els) => els.map((e) => e.dataset.object));
  assert.ok(leftovers.includes('Job/db-migrate'), JSON.stringify(leftovers));
  assert.match(await page.locator('.cluster li.leftover').first().innerText(), /hook leftover/);
  // The outcome is written into the scenario, and focus stays on the card's button.
  assert.match(await page.locator('.spec .chip').innerText(), /pre-install:Job\/db-migrate → failed/);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.focusKey), 's0:pre-install:Job/db-migrate');
  // Again: timeout; again: back to success.
  await page.locator('.card[data-name="db-migrate"] button.outcome').click();
  await page.waitForFunction(() => document.querySelector('.card[data-name="db-migrate"]')?.dataset.result === 'timeout');
  await screenshot(page, 'hook-timeout');
  await page.locator('.card[data-name="db-migrate"] button.outcome').click();
  await page.waitForFunction(() => !document.querySelector('.step.failed'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('files can be added, renamed and deleted', async () => {
  const { page, errors } = await freshPage();
  await page.locator('#file-path').fill('templates/extra.yaml');
  await page.locator('#file-new').click();
  await page.locator('#file-list [data-path="templates/extra.yaml"]').waitFor();
  await page.locator('#editor').fill(
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: extra-check\n  annotations:\n    "helm.sh/hook": post-install\n',
  );
  await page.locator('.phase[data-phase="post-install"] .card[data-name="extra-check"]').waitFor();
  await page.locator('#file-path').fill('templates/renamed.yaml');
  await page.locator('#file-rename').click();
  await page.locator('#file-list [data-path="templates/renamed.yaml"]').waitFor();
  assert.equal(await page.locator('#file-list [data-path="templates/extra.yaml"]').count(), 0);
  await page.locator('#file-delete').click();
  await page.waitForFunction(() => !document.querySelector('#file-list [data-path="templates/renamed.yaml"]'));
  await page.waitForFunction(() => !document.querySelector('.card[data-name="extra-check"]'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a chart folder can be opened with the folder picker', async () => {
  const { page, errors } = await freshPage();
  await page.locator('#folder-input').setInputFiles(path.join(root, 'public/examples/backup-job'));
  await page.locator('#file-list [data-path="Chart.yaml"]').waitFor();
  await page.locator('#file-list [data-path="templates/backup-job.yaml"]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('files dropped onto the page open as a chart', async () => {
  const { page, errors } = await freshPage();
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['apiVersion: v2\nname: dropped\nversion: 0.1.0\n'], 'Chart.yaml'));
    dt.items.add(
      new File(
        ['kind: Job\nmetadata:\n  name: dropped-hook\n  annotations:\n    "helm.sh/hook": pre-install\n'],
        'hook.yaml',
      ),
    );
    document.querySelector('.app').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.locator('#file-list [data-path="Chart.yaml"]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('every gallery example loads and plans', async () => {
  const { page, errors } = await freshPage();
  for (const [id, steps, hook] of EXAMPLES) {
    await loadExample(page, id);
    await page.waitForFunction((n) => document.querySelectorAll('.step').length === n, steps);
    assert.equal(await page.locator('#error').count(), 0, id);
    assert.ok((await page.locator(`.card[data-name="${hook}"]`).count()) > 0, `${id}: no card for ${hook}`);
    assert.ok((await page.locator('#file-list [data-path="Chart.yaml"]').count()) === 1, id);
    assert.ok((await page.locator('#about-example').innerText()).length > 20, id);
    await screenshot(page, `gallery-${id}`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('gallery examples teach what they claim', async () => {
  const { page } = await freshPage();
  // Ties are decided by name, and kind only when the names tie too.
  await loadExample(page, 'weights-and-ties');
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 1);
  assert.deepEqual(await creates(page, 'pre-install'), ['zz-runs-first', 'alpha', 'beta', 'migrate', 'migrate']);
  const kinds = await page
    .locator('.phase[data-phase="pre-install"] .card[data-name="migrate"]')
    .evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.deepEqual(kinds, ['ServiceAccount', 'Job']);
  // "already exists" on the second run (Helm 3).
  await loadExample(page, 'already-exists');
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 2);
  assert.match(await page.locator('.step >> nth=1').innerText(), /already exists/);
  // Atomic install: the release is uninstalled and its history purged.
  await loadExample(page, 'atomic-install');
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 1);
  assert.match(await page.locator('.step').innerText(), /pre-delete/);
  // Uninstall keeps the keep resource and the hook leftovers.
  await loadExample(page, 'uninstall-keep');
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 2);
  const after = await page.locator('.step >> nth=1 >> .cluster li').evaluateAll((els) => els.map((e) => e.dataset.object));
  assert.ok(after.some((o) => o?.includes('db-data')), JSON.stringify(after));
  assert.ok(after.some((o) => o?.includes('db-seed')), JSON.stringify(after));
  await page.close();
});

test('Helm 3 and Helm 4 side by side, and the rendered manifests', async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, 'already-exists');
  await page.locator('#tab-compare').click();
  await page.locator('.compare-table').first().waitFor();
  assert.ok((await page.locator('.compare-table tr.diff').count()) > 0);
  assert.match(await page.locator('.compare-summary').innerText(), /difference/);
  await screenshot(page, 'compare');
  await page.locator('#tab-rendered').click();
  await page.locator('#rendered pre').first().waitFor();
  assert.match(await page.locator('#rendered pre').first().innerText(), /# Source: schema\/templates\/schema-check.yaml/);
  await page.locator('#tab-timeline').click();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a reload keeps the work', async () => {
  const { page } = await freshPage();
  await loadExample(page, 'test-hooks');
  await page.locator('[data-add="uninstall"]').click();
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 4);
  await page.locator('#release').fill('kept-release');
  const text = (await page.locator('#editor').inputValue()) + '# my edit\n';
  await page.locator('#editor').fill(text);
  await page.waitForTimeout(600);
  await page.reload();
  await page.locator('.step').first().waitFor();
  assert.equal(await page.locator('.step').count(), 4);
  assert.equal(await page.locator('#release').inputValue(), 'kept-release');
  assert.equal(await page.locator('#editor').inputValue(), text);
  await page.close();
});

test('keyboard only: indent, leave the editor, cycle an outcome', async () => {
  const { page } = await freshPage();
  await page.locator('#editor').focus();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'editor');
  assert.ok((await page.locator('#editor').inputValue()).startsWith('  # A release'));
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'editor');
  assert.ok((await page.locator('#editor').inputValue()).startsWith('# A release'));
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'editor');
  // The focused control shows a visible focus ring.
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none');
  // Tab on until a hook's outcome button has focus, then press Enter.
  let found = false;
  for (let i = 0; i < 80 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.classList.contains('outcome'));
  }
  assert.ok(found, 'no outcome button reachable by Tab');
  const key = await page.evaluate(() => document.activeElement.dataset.focusKey);
  await page.keyboard.press('Enter');
  await page.locator('.step.failed').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.focusKey), key);
  await screenshot(page, 'keyboard');
  await page.close();
});

test('works at 360 px wide', async () => {
  const { page, errors } = await freshPage();
  await page.setViewportSize({ width: 360, height: 780 });
  await loadExample(page, 'backup-job');
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 3);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await screenshot(page, 'mobile-360');
  // Viewport-sized shots too (the full page is very tall at this width).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(root, 'tests/e2e/out/mobile-360-top.png') });
  await page.locator('.step >> nth=2').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(root, 'tests/e2e/out/mobile-360-timeline.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

async function axe(page, label) {
  // Evaluated over the DevTools protocol: the page's CSP refuses an injected <script>.
  await page.evaluate(fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: ${JSON.stringify(bad, null, 1)}`);
  return result;
}

test('dark mode follows the system and passes the accessibility scan', async () => {
  const dark = await launch({ colorScheme: 'dark' });
  try {
    const { page, errors } = await freshPage(dark.context);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(18, 20, 24)');
    await loadExample(page, 'delete-policies');
    await page.waitForFunction(() => document.querySelectorAll('.step').length === 2);
    await screenshot(page, 'dark');
    await axe(page, 'dark');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await dark.close();
  }
});

test('accessibility scan (axe-core): no serious or critical violations', async () => {
  const { page } = await freshPage();
  await axe(page, 'start');
  await loadExample(page, 'ingress-nginx-admission');
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 2);
  await page.locator('.card[data-name="ingress-nginx-admission-create"] button.outcome').first().click();
  await page.locator('.step.failed').waitFor();
  await screenshot(page, 'ingress-failed');
  await axe(page, 'failed step');
  await page.locator('#gallery-toggle').click();
  await axe(page, 'gallery open');
  await page.locator('#gallery-toggle').click();
  await page.locator('#tab-compare').click();
  await page.locator('.compare-table').first().waitFor();
  await axe(page, 'compare');
  await page.close();
});
