// The walking skeleton's browser test: type a manifest with three pre-install hooks of equal
// weight, see them ordered by name; change one weight, see the new order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchErrors, screenshot } from './harness.mjs';

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

const hook = (name, weight) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  annotations:
    "helm.sh/hook": pre-install
    "helm.sh/hook-weight": "${weight}"
spec: {}
`;

async function createdOrder(page) {
  return page
    .locator('.phase[data-phase="pre-install"] li[data-verb="create"]')
    .evaluateAll((els) => els.map((e) => e.dataset.name));
}

test('the example chart shows a timeline on load', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  await page.locator('.step[data-op="install"]').waitFor();
  const phases = await page.locator('.phase').evaluateAll((els) => els.map((e) => e.dataset.phase));
  assert.deepEqual(phases, ['pre-install', 'install', 'post-install']);
  await screenshot(page, 'example-timeline');
  assert.deepEqual(errors, []);
  await page.close();
});

test('equal weights run by name; a weight change reorders', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  await page.goto(server.url);
  const editor = page.locator('#editor');
  await editor.waitFor();
  await editor.fill([hook('charlie', 0), hook('alpha', 0), hook('bravo', 0)].join('---\n'));
  await page.waitForFunction(
    () => document.querySelectorAll('.phase[data-phase="pre-install"] li[data-verb="create"]').length === 3,
  );
  assert.deepEqual(await createdOrder(page), ['alpha', 'bravo', 'charlie']);

  await editor.fill([hook('charlie', -1), hook('alpha', 0), hook('bravo', 0)].join('---\n'));
  await page.waitForFunction(
    () => document.querySelector('.phase[data-phase="pre-install"] li[data-verb="create"]')?.dataset.name === 'charlie',
  );
  assert.deepEqual(await createdOrder(page), ['charlie', 'alpha', 'bravo']);
  await screenshot(page, 'weights-reordered');
  assert.deepEqual(errors, []);
  await page.close();
});

test('broken YAML shows an error instead of a timeline', async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url);
  const editor = page.locator('#editor');
  await editor.waitFor();
  await editor.fill('kind: Job\nmetadata:\n  name: [unclosed\n');
  await page.locator('#error').waitFor();
  assert.match(await page.locator('#error').innerText(), /YAML parse error/);
  await page.close();
});
