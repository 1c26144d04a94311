// Hostile input in the browser (issue #10): the Content-Security-Policy holds with no
// violations (page, embed, sub-path), pasted markup stays text, a runaway template is
// stopped by the render worker's watchdog while the page stays responsive, and a failed
// render keeps the last good timeline on screen, marked out of date.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, watchErrors, screenshot, loadExample, settled, outDir } from './harness.mjs';

let server;
let subpath;
let browser;
before(async () => {
  server = await serve('/');
  subpath = await serve('/hookline/');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await subpath?.close();
});

/** A page whose CSP violations are recorded from the first script on. */
async function open(url, { clear = true } = {}) {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const errors = watchErrors(page);
  await page.goto(url);
  if (clear) {
    await page.evaluate(() => localStorage.clear());
    await page.reload();
  }
  return { page, errors };
}

const violations = (page) => page.evaluate(() => window.__csp);

for (const [name, url] of [
  ['the page', () => server.url],
  ['the embed', () => `${server.url}?embed=1`],
  ['the page under a sub-path', () => subpath.url],
]) {
  test(`${name} loads under the CSP with no violations, rendering in the worker`, async () => {
    const { page, errors } = await open(url());
    await page.locator('.step').first().waitFor();
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.match(csp, /worker-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    // No inline script is left for the policy to allow.
    assert.equal(await page.locator('script:not([src])').count(), 0);
    if (url().includes('embed')) {
      await page.locator('.embed[data-busy="false"]').waitFor();
      assert.equal(await page.locator('.embed').getAttribute('data-runner'), 'worker');
    } else {
      assert.equal(await page.locator('.output').getAttribute('data-runner'), 'worker');
      // Exercise the views that build style and markup at run time.
      await loadExample(page, 'backup-job');
      await settled(page);
      await page.locator('#tab-rendered').click();
      await page.locator('#rendered pre').first().waitFor();
      await page.locator('#tab-compare').click();
      await page.locator('.compare-table').first().waitFor();
    }
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(errors, []);
    // The policy is in force: an injected inline script is refused and reported.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.append(s);
    });
    await page.waitForFunction(() => window.__csp.length > 0);
    assert.equal(await page.evaluate(() => window.__ran), undefined);
    await page.close();
  });
}

const PAYLOADS = ['<img src=x onerror="window.__pwned=1">', '</pre><script>window.__pwned=2</script>', '"><svg onload="window.__pwned=3">'];

test('pasted markup is shown as text in the editor, values, file names and the timeline', async () => {
  const { page, errors } = await open(server.url);
  await page.locator('.step').first().waitFor();
  const payload = PAYLOADS.join(' ');
  // A manifest whose name and data carry markup: the editor's highlight layer, the
  // timeline's cards and the rendered view all show it.
  const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: 'x${PAYLOADS[0]}'
  annotations:
    "helm.sh/hook": pre-install
data:
  a: '${PAYLOADS[1]}'
  b: '${PAYLOADS[2].replaceAll("'", "''")}'
`;
  await page.locator('#editor').fill(manifest);
  await page.waitForFunction((name) => [...document.querySelectorAll('.card')].some((c) => c.dataset.name === name), `x${PAYLOADS[0]}`);
  assert.ok((await page.locator('.card.hook .name').first().innerText()).includes(PAYLOADS[0]));
  const hl = await page.locator('pre.hl').innerText();
  for (const p of PAYLOADS) assert.ok(hl.includes(p.replaceAll("'", "''")) || hl.includes(p), `highlight lost ${p}: ${hl}`);
  await page.locator('#tab-rendered').click();
  assert.ok((await page.locator('#rendered').innerText()).includes(PAYLOADS[1]));
  await page.locator('#tab-timeline').click();
  // A value and --set line.
  await page.locator('#values').fill(`x: '${PAYLOADS[0]}'\n`);
  await page.locator('#set').fill(`y=${PAYLOADS[1]}`);
  // A file name.
  await page.locator('#file-path').fill(`templates/${PAYLOADS[2]}.yaml`);
  await page.locator('#file-new').click();
  await page.locator('#file-list .file', { hasText: PAYLOADS[2] }).waitFor();
  // A template error that quotes the markup back.
  await page.locator('#editor').fill(`kind: {{ ${PAYLOADS[0]} }}\n`);
  await page.locator('#error').waitFor();
  await settled(page);
  await screenshot(page, 'markup-as-text');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('img[src="x"], svg[onload], script:not([src])').count(), 0);
  assert.deepEqual(await violations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a failed render keeps the editor and the last good timeline, marked out of date', async () => {
  const { page, errors } = await open(server.url);
  await loadExample(page, 'backup-job');
  await settled(page);
  await page.locator('#file-list [data-path="templates/backup-job.yaml"]').click();
  const good = await page.locator('#editor').inputValue();
  const broken = good.replace('{{ .Release.Name }}-nginx"', '{{ .Release.Name | nosuchfunc }}-nginx"');
  assert.notEqual(broken, good);
  await page.locator('#editor').fill(broken);
  await page.locator('#error').waitFor();
  await settled(page);
  // The user's text is untouched, the problem is named, the old timeline stays, marked.
  assert.equal(await page.locator('#editor').inputValue(), broken);
  assert.match(await page.locator('#error').innerText(), /cannot be planned[\s\S]*backup-job\.yaml/);
  assert.match(await page.locator('#error').innerText(), /Your edits are kept/);
  const stale = page.locator('#stale-timeline');
  assert.match(await stale.locator('.stale-banner').innerText(), /Out of date/);
  assert.ok((await stale.locator('.card[data-name="nginx-backup"]').count()) > 0);
  assert.match(await page.locator('#summary').innerText(), /out of date/);
  // Its hook cards are not clickable: they belong to a state no longer on screen.
  assert.equal(await stale.locator('button.outcome').count(), 0);
  await page.locator('#tab-rendered').click();
  await page.locator('#rendered-stale').waitFor();
  await page.locator('#tab-timeline').click();
  await screenshot(page, 'stale-timeline-error');
  // The next good render replaces it.
  await page.locator('#editor').fill(good);
  await page.waitForFunction(() => !document.querySelector('#error') && !document.querySelector('#stale-timeline'));
  assert.ok((await page.locator('.step .card[data-name="nginx-backup"]').count()) > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

// Legal (every limit of the engine holds: few steps, small strings, no output) but slow:
// 2 GB of SHA-256 would keep the engine busy for far longer than the watchdog allows.
const RUNAWAY = '{{ range $i := until 20000 }}{{ $_ := repeat 100000 "x" | sha256sum }}{{ end }}\n';

/**
 * Count the page's animation frames and the longest gap between two of them from now on: a
 * main thread blocked by the engine would paint no frame until the engine is done.
 */
async function heartbeat(page) {
  await page.evaluate(() => {
    const hb = { frames: 0, maxGap: 0, last: performance.now(), on: true };
    window.__hb = hb;
    const tick = (t) => {
      hb.frames += 1;
      hb.maxGap = Math.max(hb.maxGap, t - hb.last);
      hb.last = t;
      if (hb.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () => page.evaluate(() => ({ frames: window.__hb.frames, maxGapMs: Math.round(window.__hb.maxGap) }));
}

test('a runaway template is stopped by the watchdog while the page stays responsive', async () => {
  const { page, errors } = await open(server.url);
  await loadExample(page, 'backup-job');
  await settled(page);
  await page.locator('#file-list [data-path="templates/backup-job.yaml"]').click();
  const good = await page.locator('#editor').inputValue();
  const beat = await heartbeat(page);
  await page.locator('#editor').fill(RUNAWAY + good);
  await page.waitForFunction(() => document.querySelector('.output[data-busy="true"]'));
  await page.locator('#run-status').waitFor();
  const framesBefore = (await beat()).frames;
  // While the engine runs: round trips to the page come back, another field takes typing,
  // buttons work, and the page keeps painting frames.
  const trips = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.evaluate(() => performance.now());
    trips.push(Date.now() - t0);
    await page.waitForTimeout(200);
  }
  await page.locator('#release').fill('still-typing');
  assert.equal(await page.locator('#release').inputValue(), 'still-typing');
  await page.locator('#tab-rendered').click();
  assert.equal(await page.locator('#tab-rendered').getAttribute('aria-pressed'), 'true');
  await page.locator('#tab-timeline').click();
  const during = await beat();
  assert.equal(await page.locator('.output').getAttribute('data-busy'), 'true', 'the run ended before the checks');
  assert.ok(during.frames > framesBefore, 'no frame was painted while the engine ran');
  console.log(`evaluate round trips while rendering (ms): ${trips.join(', ')}; frames ${during.frames - framesBefore}, longest gap ${during.maxGapMs} ms`);
  // The release name change queued a newer run of the same runaway chart; the watchdog
  // stops it and says so in words.
  const stop = page.locator('#error[data-stopped="true"]');
  await stop.waitFor({ timeout: 30_000 });
  assert.match(await stop.innerText(), /Rendering stopped after \d+ s: the chart was still rendering/);
  assert.ok((await page.locator('#stale-timeline .card').count()) > 0);
  assert.equal(await page.locator('#editor').inputValue(), RUNAWAY + good);
  // The lint worker ran the same chart: its watchdog stopped it too, and the page says so.
  await page.locator('#lint-stopped').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#lint-stopped').innerText(), /Linting stopped after \d+ s/);
  await screenshot(page, 'watchdog-stop');
  // A fresh worker serves the next run.
  await page.locator('#editor').fill(good);
  await page.waitForFunction(() => !document.querySelector('#error') && document.querySelector('.step .card'));
  assert.equal(await page.locator('.output').getAttribute('data-runner'), 'worker');
  await page.waitForFunction(() => !document.querySelector('#lint-stopped'));
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [name, template, expected] of [
  [
    'a template that includes itself',
    '{{- define "a" }}{{ include "a" . }}{{ end -}}\n# {{ include "a" . }}\n',
    // The engine's nesting limit, lowered to the worker's stack, or Helm's own include limit.
    /exceeded maximum nesting depth \(\d+\)|nested reference name/,
  ],
  [
    'an until loop in an until loop',
    '{{- range $i := until 100000 }}{{ range $j := until 100000 }}{{ end }}{{ end -}}\n',
    // The engine's step budget, or the watchdog before it (a scenario renders once per step).
    /exceeded maximum number of evaluation steps|Rendering stopped after \d+ s: the chart was still rendering/,
  ],
]) {
  test(`pasting ${name}: the page stays responsive and reports the stop`, async () => {
    const { page, errors } = await open(server.url);
    await loadExample(page, 'backup-job');
    await page.locator('#file-list [data-path="templates/backup-job.yaml"]').click();
    const good = await page.locator('#editor').inputValue();
    const beat = await heartbeat(page);
    const t0 = Date.now();
    await page.locator('#editor').fill(template + good);
    // Typing goes on while it runs.
    await page.locator('#release').fill('typed-meanwhile');
    await page.locator('#error').waitFor({ timeout: 30_000 });
    await settled(page);
    const took = Date.now() - t0;
    const hb = await beat();
    const text = await page.locator('#error').innerText();
    assert.match(text, expected);
    // Never the browser's own stack error, never a page error: the worker stops cleanly.
    assert.doesNotMatch(text, /call stack|nest too deeply for the browser/);
    assert.equal(await page.locator('#release').inputValue(), 'typed-meanwhile');
    assert.ok(hb.frames > 0);
    console.log(
      `${name}: reported after ${took} ms (${text.match(expected)[0]}); frames ${hb.frames}, longest gap ${hb.maxGapMs} ms; ` +
        `worker nesting limit ${await page.locator('.output').getAttribute('data-nesting')}, workers started ${await page.locator('.output').getAttribute('data-workers')}`,
    );
    await page.locator('#editor').fill(good);
    await page.waitForFunction(() => !document.querySelector('#error') && document.querySelector('.step .card'));
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('the workers instantiate the page\'s own wasm module: it is fetched once', async () => {
  const page = await browser.context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = watchErrors(page);
  await page.goto(server.url);
  await settled(page);
  // The compare view and the lint run in the workers too.
  await page.locator('#tab-compare').click();
  await page.locator('.compare-table').first().waitFor();
  await page.locator('#tab-timeline').click();
  await page.waitForTimeout(1000);
  const tag = page.locator('script[data-glue]');
  const wasm = new URL(await tag.getAttribute('data-wasm'), server.url).href;
  const glue = new URL(await tag.getAttribute('data-glue'), server.url).href;
  const count = (url) => requests.filter((r) => r === url).length;
  // The workers' own requests are seen (each imports the glue script), so a second fetch
  // of the module would be too.
  assert.ok(requests.some((r) => r.endsWith('/public/worker.js')), requests.join('\n'));
  assert.ok(count(glue) >= 2, `glue fetched ${count(glue)} time(s)`);
  assert.equal(count(wasm), 1, requests.join('\n'));
  assert.deepEqual(requests.filter((r) => r.endsWith('.wasm') && !r.includes('/lazy/')), [wasm]);
  assert.equal(await page.locator('.output').getAttribute('data-runner'), 'worker');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the Stop button ends a long render at once', async () => {
  const { page, errors } = await open(server.url);
  await loadExample(page, 'backup-job');
  await settled(page);
  await page.locator('#file-list [data-path="templates/backup-job.yaml"]').click();
  const good = await page.locator('#editor').inputValue();
  await page.locator('#editor').fill(RUNAWAY + good);
  await page.locator('#stop-render').click();
  const stop = page.locator('#error[data-stopped="true"]');
  await stop.waitFor();
  assert.match(await stop.innerText(), /Rendering stopped after [\d.]+ s: you stopped it/);
  await settled(page);
  assert.deepEqual(errors, []);
  await page.close();
});

// Chromium gives a worker a smaller stack than the page: about 450 nested includes fit there
// (Helm allows 1000; see failure_message in web/src/worker.rs).
test('300 nested includes render in the worker; endless recursion is reported, not fatal', async () => {
  const { page, errors } = await open(server.url);
  await loadExample(page, 'backup-job');
  await page.locator('#file-list [data-path="templates/backup-job.yaml"]').click();
  const good = await page.locator('#editor').inputValue();
  const deep =
    '{{- define "down" }}{{ if gt (int .) 0 }}{{ include "down" (sub (int .) 1) }}{{ else }}bottom{{ end }}{{ end -}}\n' +
    '# {{ include "down" 299 }}\n';
  await page.locator('#editor').fill(deep + good);
  await page.locator('#tab-rendered').click();
  await page.waitForFunction(() => /# bottom/.test(document.querySelector('#rendered')?.innerText));
  assert.equal(await page.locator('#error').count(), 0);
  await page.locator('#tab-timeline').click();
  const endless = '{{- define "loop" }}{{ include "loop" . }}{{ end -}}\n# {{ include "loop" . }}\n';
  await page.locator('#editor').fill(endless + good);
  await page.locator('#error').waitFor();
  assert.match(await page.locator('#error').innerText(), /nest too deeply|nesting depth|template depth/);
  // The next run gets a fresh worker.
  await page.locator('#editor').fill(good);
  await page.waitForFunction(() => !document.querySelector('#error') && document.querySelector('.step .card'));
  assert.deepEqual(errors, []);
  await page.close();
});

for (const [scheme, width] of [
  ['light', 360],
  ['dark', 360],
]) {
  test(`the out-of-date timeline and the Stop message fit ${width} px in ${scheme} mode`, async () => {
    const page = await browser.context.newPage({});
    await page.setViewportSize({ width, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await loadExample(page, 'backup-job');
    await page.locator('#file-list [data-path="templates/backup-job.yaml"]').click();
    const good = await page.locator('#editor').inputValue();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    // A problem: the error panel, then the old timeline, marked.
    await page.locator('#editor').fill(good.replace('{{ .Release.Name }}-nginx"', '{{ .Release.Name | nosuchfunc }}-nginx"'));
    await page.locator('#stale-timeline').waitFor();
    await settled(page);
    assert.equal(await overflow(), 0, 'the page scrolls sideways');
    // What the phone shows: the viewport, scrolled to the part in question.
    const view = (name) => page.screenshot({ path: path.join(outDir, `${name}-${scheme}-${width}.png`) });
    await page.locator('#summary').evaluate((e) => e.scrollIntoView());
    await view('stale-timeline');
    await page.locator('#stale-timeline').evaluate((e) => e.scrollIntoView());
    await view('stale-timeline-below');
    // A long run: "Rendering…" with the Stop button, then the stop, said in words.
    await page.locator('#editor').fill(RUNAWAY + good);
    await page.locator('#stop-render').waitFor();
    assert.equal(await overflow(), 0, 'the page scrolls sideways');
    await page.locator('#summary').evaluate((e) => e.scrollIntoView());
    await view('rendering-stop-button');
    await page.locator('#stop-render').click();
    await page.locator('#error[data-stopped="true"]').waitFor();
    await settled(page);
    assert.equal(await overflow(), 0, 'the page scrolls sideways');
    await page.locator('#summary').evaluate((e) => e.scrollIntoView());
    await view('rendering-stopped');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
