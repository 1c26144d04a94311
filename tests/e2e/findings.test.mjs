// Lint findings (hookline lint, HL000–HL015) in the playground: on the hook's card in the
// timeline and on the template's line in the editor; a click on a card's finding jumps to the
// line; fixing the template removes the finding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, watchErrors, screenshot, root } from './harness.mjs';

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

async function freshPage() {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('.step').first().waitFor();
  return { page, errors };
}

async function loadExample(page, id) {
  await page.locator('#gallery-toggle').click();
  await page.locator(`[data-example="${id}"]`).click();
  await page.waitForFunction(() => !document.querySelector('#gallery-list:not([hidden])'));
}

/** The 1-based line of the editor's caret. */
const caretLine = (page) =>
  page.evaluate(() => {
    const el = document.getElementById('editor');
    return el.value.slice(0, el.selectionStart).split('\n').length;
  });

test('a ConfigMap needed at pre-install: the finding is on the card and the line, and goes when fixed', async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, 'missing-configmap');
  const card = page.locator('.phase[data-phase="pre-install"] .card[data-name="init-db"]');
  const finding = card.locator('.finding[data-rule="HL001"]');
  await finding.waitFor();
  const text = await finding.innerText();
  // Id, severity in words (not colour alone), a short explanation and the fix.
  assert.match(text, /HL001/);
  assert.match(text, /✗ error/i);
  assert.match(text, /ConfigMap app-settings/);
  assert.match(text, /Fix:/);
  assert.match(text, /templates\/init-db-job\.yaml:18:15/);
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'lint-card');

  // Clicking the finding's location opens the template on that line (and does not change
  // the hook's outcome).
  await page.locator('#file-list [data-path="templates/configmap.yaml"]').click();
  const result = await card.getAttribute('data-result');
  await finding.locator('button.jump').click();
  await page.waitForFunction(() => document.querySelector('.open-path')?.textContent === 'templates/init-db-job.yaml');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'editor');
  assert.equal(await caretLine(page), 18);
  assert.equal(await card.getAttribute('data-result'), result);
  // The gutter marks line 18 with the severity's glyph; the message follows the line.
  const gutter = page.locator('.gutter .g-lint.sev-error');
  assert.equal((await gutter.innerText()).trim(), '✗18');
  assert.match(await gutter.getAttribute('title'), /HL001/);
  const lines = (await page.locator('.hl').innerText()).split('\n');
  assert.match(lines[17], /- configMapRef:\s+✗ HL001 .*ConfigMap app-settings/);
  // The span's column (15) starts the underlined word.
  assert.equal(await page.locator('.hl .t-lint-error').innerText(), 'configMapRef');
  // The editor's own list names it too, with line and column.
  assert.match(await page.locator('.editor-findings .finding[data-rule="HL001"]').innerText(), /line 18, column 15/);
  // The highlighted layer keeps the textarea's geometry: same height as the text.
  const [hlHeight, taHeight] = await page.evaluate(() => [
    document.querySelector('.hl').getBoundingClientRect().height,
    document.getElementById('editor').scrollHeight,
  ]);
  assert.ok(Math.abs(hlHeight - taHeight) <= 1, `pre ${hlHeight} vs textarea ${taHeight}`);
  await page.locator('.code').screenshot({ path: path.join(root, 'tests/e2e/out/lint-editor-line.png') });

  // The panel above the timeline counts every finding.
  assert.match(await page.locator('#lint-panel > summary').innerText(), /1 error/);

  // Fix: the ConfigMap becomes a pre-install hook of a lower weight.
  await page.locator('#file-list [data-path="templates/configmap.yaml"]').click();
  const cm = await page.locator('#editor').inputValue();
  await page
    .locator('#editor')
    .fill(cm.replace('  name: app-settings\n', '  name: app-settings\n  annotations:\n    "helm.sh/hook": pre-install\n    "helm.sh/hook-weight": "-5"\n'));
  await page.waitForFunction(() => !document.querySelector('.finding[data-rule="HL001"]'));
  await page.locator('#file-list [data-path="templates/init-db-job.yaml"]').click();
  assert.equal(await page.locator('.gutter .g-lint.sev-error').count(), 0);
  assert.doesNotMatch(await page.locator('.hl').innerText(), /HL001/);
  // The Job's other finding (no backoffLimit) is still there.
  await card.locator('.finding[data-rule="HL010"]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a fixed-name hook without before-hook-creation: warning on the card, gone when fixed', async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, 'already-exists');
  const finding = page.locator('.card[data-name="schema-check"] .finding[data-rule="HL002"]').first();
  await finding.waitFor();
  assert.match(await finding.innerText(), /⚠ warning/i);
  assert.match(await finding.innerText(), /before-hook-creation/);
  // The explanation is one click away.
  await finding.locator('summary').click();
  assert.ok((await finding.locator('.finding-why p').innerText()).length > 40);
  assert.equal(await page.locator('.gutter .g-lint.sev-warning').first().innerText(), '⚠9');
  const text = await page.locator('#editor').inputValue();
  await page
    .locator('#editor')
    .fill(text.replace('"helm.sh/hook-delete-policy": hook-succeeded', '"helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded'));
  await page.waitForFunction(() => !document.querySelector('.finding[data-rule="HL002"]'));
  assert.equal(await page.locator('.gutter .g-lint.sev-warning >> text=⚠9').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a pasted manifest is linted too', async () => {
  const { page, errors } = await freshPage();
  await page.locator('#paste-manifest').click();
  await page.locator('#editor').fill(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    "helm.sh/hook": pre-instal\n',
  );
  const f = page.locator('#lint-panel .finding[data-rule="HL005"]');
  await page.locator('#lint-panel > summary').click();
  await f.waitFor();
  assert.match(await f.innerText(), /manifest\.yaml:6/);
  assert.equal((await page.locator('.gutter .g-lint').innerText()).trim(), '✗6');
  assert.deepEqual(errors, []);
  await page.close();
});

async function axe(page, label) {
  // Evaluated, not added as a <script>: the page's CSP refuses inline scripts.
  await page.evaluate(fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: ${JSON.stringify(bad, null, 1)}`);
}

test('findings by keyboard, in dark mode and at 360 px, with no serious axe violations', async () => {
  for (const [label, options] of [
    ['dark', { colorScheme: 'dark' }],
    ['mobile', { viewport: { width: 360, height: 780 } }],
  ]) {
    const b = await launch(options);
    try {
      const page = await b.context.newPage();
      const errors = watchErrors(page);
      await page.goto(server.url);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.locator('.step').first().waitFor();
      await page.locator('#gallery-toggle').click();
      await page.locator('[data-example="missing-configmap"]').click();
      const card = page.locator('.card[data-name="init-db"]');
      await card.locator('.finding[data-rule="HL001"]').waitFor();
      await card.locator('.finding[data-rule="HL001"] summary').click();
      await page.locator('#lint-panel > summary').click();
      if (label === 'mobile') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
      }
      await axe(page, label);
      await card.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(root, `tests/e2e/out/lint-${label}.png`) });
      // Keyboard: the finding's link is a button; Enter opens the line in the editor.
      await card.locator('.finding[data-rule="HL001"] button.jump').focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'editor');
      assert.equal(await caretLine(page), 18);
      await page.locator('.code').screenshot({ path: path.join(root, `tests/e2e/out/lint-editor-${label}.png`) });
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await b.close();
    }
  }
});
