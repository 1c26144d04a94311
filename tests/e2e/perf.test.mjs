// Time to first timeline, measured in the browser: on page load (default example), and for a
// generated chart of 120 templates (360 documents, 120 hooks) opened with the folder picker.
// Results go to tests/e2e/out/perf.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, outDir } from './harness.mjs';

let server;
let browser;
let tmp;
before(async () => {
  server = await serve('/');
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hookline-big-'));
  const dir = path.join(tmp, 'big');
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: big\nversion: 0.1.0\n');
  fs.writeFileSync(path.join(dir, 'values.yaml'), 'image: alpine\nreplicas: 2\n');
  for (let i = 0; i < 120; i++) {
    const n = String(i).padStart(3, '0');
    fs.writeFileSync(
      path.join(dir, 'templates', `part-${n}.yaml`),
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: config-${n}
  labels:
    release: "{{ .Release.Name }}"
data:
  replicas: "{{ .Values.replicas }}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${n}
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image }}"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: hook-${n}
  annotations:
    "helm.sh/hook": ${i % 2 ? 'pre-install,pre-upgrade' : 'post-install,post-upgrade'}
    "helm.sh/hook-weight": "${(i % 7) - 3}"
    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: "{{ .Values.image }}"}]
`,
    );
  }
});
after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('time to first timeline', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('.step').first().waitFor();
  const onLoad = await page.evaluate(() => performance.now());
  // Install then upgrade, so both pre-/post- events of every hook run.
  await page.locator('[data-add="upgrade"]').click();
  const t0 = await page.evaluate(() => performance.now());
  await page.locator('#folder-input').setInputFiles(path.join(tmp, 'big'));
  await page.waitForFunction(() => document.querySelectorAll('.step .card').length >= 240);
  const big = (await page.evaluate(() => performance.now())) - t0;
  const cards = await page.locator('.step .card').count();
  // An edit in a large chart: time from the input event to the updated timeline
  // (the 200 ms debounce included).
  await page.locator('#file-list [data-path="templates/part-000.yaml"]').click();
  const text = (await page.locator('#editor').inputValue()).replace('name: hook-000', 'name: hook-000-renamed');
  const t1 = await page.evaluate(() => performance.now());
  await page.locator('#editor').fill(text);
  await page.waitForFunction(() => document.querySelector('.card[data-name="hook-000-renamed"]'));
  const edit = (await page.evaluate(() => performance.now())) - t1;
  const result = { pageLoadToFirstTimelineMs: Math.round(onLoad), bigChartToTimelineMs: Math.round(big), bigChartCards: cards, editToUpdateMs: Math.round(edit) };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'perf.json'), JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
  assert.ok(cards >= 240);
  await page.close();
});
