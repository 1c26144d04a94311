// Opening a user's own chart (a .tgz archive by picker or drop, a folder whose charts/ holds
// subchart archives), per-step values in the scenario builder, and the Kubernetes version
// default of each Helm.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, watchErrors, screenshot, root } from './harness.mjs';

let server;
let browser;
let tmp;
let archive;
before(async () => {
  server = await serve('/');
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-tgz-'));
  // A chart archive as `helm package` lays it out: one top directory named after the chart.
  fs.cpSync(path.join(root, 'public/examples/ingress-nginx-admission'), path.join(tmp, 'ingress-nginx'), { recursive: true });
  archive = path.join(tmp, 'ingress-nginx-4.12.0.tgz');
  execFileSync('tar', ['-czf', archive, '-C', tmp, 'ingress-nginx']);
});
after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
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

const filePaths = (page) => page.locator('#file-list .file').evaluateAll((els) => els.map((e) => e.dataset.path));

async function expectIngressChart(page) {
  await page.locator('#file-list [data-path="templates/admission-webhooks/job-patch/job-createSecret.yaml"]').waitFor();
  const paths = await filePaths(page);
  assert.ok(paths.includes('Chart.yaml'), JSON.stringify(paths));
  assert.ok(!paths.some((p) => p.startsWith('ingress-nginx/')), `top directory not stripped: ${paths}`);
  await page.locator('.card[data-name="ingress-nginx-admission-create"]').first().waitFor();
  assert.equal(await page.locator('#error').count(), 0);
  assert.match(await page.locator('#file-status').innerText(), /Opened chart ingress-nginx from ingress-nginx-4\.12\.0\.tgz/);
}

test('a .tgz chart archive opens with the archive picker', async () => {
  const { page, errors } = await freshPage();
  await page.locator('#archive-input').setInputFiles(archive);
  // The archive reader is in the second module (issue #11), which the page has fetched once
  // its first timeline was shown (lazy.test.mjs).
  await expectIngressChart(page);
  await screenshot(page, 'tgz-loaded');
  // It is the user's chart now: a reload keeps it.
  await page.waitForTimeout(400);
  await page.reload();
  await page.locator('#file-list [data-path="templates/admission-webhooks/job-patch/job-createSecret.yaml"]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a .tgz dropped onto the page opens as a chart', async () => {
  const { page, errors } = await freshPage();
  const bytes = [...fs.readFileSync(archive)];
  await page.evaluate((bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'ingress-nginx-4.12.0.tgz', { type: 'application/gzip' }));
    document.querySelector('.app').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await expectIngressChart(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a broken archive is refused with the reason, and the work stays', async () => {
  const { page, errors } = await freshPage();
  const before = await page.locator('#editor').inputValue();
  const bad = path.join(tmp, 'broken.tgz');
  fs.writeFileSync(bad, zlib.gzipSync(Buffer.from('not a tar archive')));
  await page.locator('#archive-input').setInputFiles(bad);
  await page.waitForFunction(() => document.querySelector('#file-status')?.classList.contains('bad'));
  assert.match(await page.locator('#file-status').innerText(), /✗ Could not open it: broken\.tgz: /);
  assert.equal(await page.locator('#editor').inputValue(), before);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a chart folder with a subchart archive in charts/ opens with the archive unpacked', async () => {
  const { page, errors } = await freshPage();
  // tests/fixtures/charts/parent vendors sub-b as charts/sub-b-0.2.0.tgz (itself holding leaf).
  await page.locator('#folder-input').setInputFiles(path.join(root, 'tests/fixtures/charts/parent'));
  await page.locator('#file-list [data-path="charts/sub-b-0.2.0/Chart.yaml"]').waitFor();
  const paths = await filePaths(page);
  assert.ok(paths.includes('charts/sub-b-0.2.0/charts/leaf/Chart.yaml'), JSON.stringify(paths));
  assert.ok(!paths.some((p) => p.endsWith('.tgz')), JSON.stringify(paths));
  await page.locator('#tab-rendered').click();
  await page.locator('#rendered pre').first().waitFor();
  const rendered = await page.locator('#rendered').innerText();
  assert.match(rendered, /# Source: parent\/charts\/sub-b\/templates\/probe\.yaml/);
  assert.match(rendered, /# Source: parent\/charts\/sub-b\/charts\/leaf\/templates\/probe\.yaml/);
  await page.locator('#tab-timeline').click();
  assert.deepEqual(errors, []);
  await page.close();
});

test('per-step values: an upgrade with a changed value changes its hooks', async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, 'backup-job');
  await page.waitForFunction(() => document.querySelectorAll('.step').length === 3);
  // A hook that exists only when a value is set, named after the value.
  await page.locator('#file-path').fill('templates/migrate.yaml');
  await page.locator('#file-new').click();
  await page.locator('#editor').fill(
    '{{- if .Values.migrate }}\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate-{{ .Values.migrate }}\n  annotations:\n    "helm.sh/hook": pre-upgrade\n{{- end }}\n',
  );
  await page.waitForTimeout(400);
  assert.equal(await page.locator('.card[data-name^="migrate-"]').count(), 0);

  // Step 2 (an upgrade) gets values, step 3 a --set line.
  const step2 = page.locator('.spec >> nth=1');
  await step2.locator('.step-values summary').click();
  await step2.locator('.step-values-yaml').fill('migrate: to-v2\n');
  const step3 = page.locator('.spec >> nth=2');
  await step3.locator('.step-values summary').click();
  await step3.locator('.step-set').fill('migrate=to-v3');
  await page.locator('.step >> nth=1 >> .phase[data-phase="pre-upgrade"] .card[data-name="migrate-to-v2"]').waitFor();
  await page.locator('.step >> nth=2 >> .phase[data-phase="pre-upgrade"] .card[data-name="migrate-to-v3"]').waitFor();
  // Values belong to their step: step 3's upgrade does not reuse step 2's (no --reuse-values).
  assert.equal(await page.locator('.step >> nth=2 >> .card[data-name="migrate-to-v2"]').count(), 0);
  assert.equal(await page.locator('.step >> nth=0 >> .card[data-name^="migrate-"]').count(), 0);
  // The scenario file carries them, as hookline plan --scenario reads it.
  const yaml = await page.locator('.scenario-yaml pre').textContent();
  assert.match(yaml, /values:\n\s+migrate: to-v2/);
  assert.match(yaml, /set:\n\s+- migrate=to-v3/);
  await step2.scrollIntoViewIfNeeded();
  await screenshot(page, 'step-values');

  // Text that does not parse is flagged and not used; the last good values stay.
  await step2.locator('.step-values-yaml').fill('migrate: [');
  await step2.locator('.step-values .error').waitFor();
  assert.match(await step2.locator('.step-values .error').innerText(), /Not used until it parses/);
  assert.equal(await step2.locator('.step-values-yaml').getAttribute('aria-invalid'), 'true');
  await page.waitForTimeout(400);
  assert.equal(await page.locator('.step >> nth=1 >> .card[data-name="migrate-to-v2"]').count(), 1);
  // A reload keeps the step's values.
  await step2.locator('.step-values-yaml').fill('migrate: again\n');
  await page.locator('.step >> nth=1 >> .card[data-name="migrate-again"]').waitFor();
  await page.waitForTimeout(400);
  await page.reload();
  await page.locator('.step >> nth=1 >> .card[data-name="migrate-again"]').waitFor();
  assert.equal(await page.locator('.spec >> nth=1 >> .step-values-yaml').inputValue(), 'migrate: again\n');
  // Steps that take no values offer none.
  await page.locator('[data-add="rollback"]').click();
  await page.waitForFunction(() => document.querySelectorAll('.spec').length === 4);
  assert.equal(await page.locator('.spec >> nth=3 >> .step-values').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Kubernetes version field shows the default of the chosen Helm', async () => {
  const { page, errors } = await freshPage();
  const kube = page.locator('#kube-version');
  assert.equal(await kube.getAttribute('placeholder'), 'v1.35.0');
  await page.locator('#helm').selectOption('v3');
  await page.waitForFunction(() => document.querySelector('#kube-version').placeholder === 'v1.32.0');
  await page.locator('#helm').selectOption('v4');
  await page.waitForFunction(() => document.querySelector('#kube-version').placeholder === 'v1.35.0');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a template error sits on its line and column in the editor', async () => {
  const { page, errors } = await freshPage();
  await loadExample(page, 'backup-job');
  await page.locator('#file-list [data-path="templates/deployment.yaml"]').click();
  const text = await page.locator('#editor').inputValue();
  const lines = text.split('\n');
  lines.splice(3, 0, 'broken: {{ .Values.nothing.deeper }}');
  await page.locator('#editor').fill(lines.join('\n'));
  await page.locator('.gutter .g-err').waitFor();
  // The step that renders it fails with Helm's message.
  assert.match(await page.locator('.step >> nth=0').innerText(), /nil pointer/);
  assert.equal((await page.locator('.gutter .g-err').innerText()).trim(), '✗4');
  const diag = page.locator('.diagnostics .diag');
  assert.match(await diag.innerText(), /line 4, column \d+/);
  assert.match(await diag.innerText(), /nil pointer/);
  // The file tree marks the file; a click on the problem puts the caret there.
  assert.match(await page.locator('#file-list [data-path="templates/deployment.yaml"]').innerText(), /error/);
  await diag.locator('button').click();
  const line = await page.evaluate(() => {
    const el = document.getElementById('editor');
    return el.value.slice(0, el.selectionStart).split('\n').length;
  });
  assert.equal(line, 4);
  assert.deepEqual(errors, []);
  await page.close();
});
