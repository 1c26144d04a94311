// Issue #11: the page's own wasm has no template engine. The second module (lazy/hookline_engine_web)
// renders charts, lints, compresses share links and makes the exports: the page and the lint
// worker fetch it once the first timeline (of the default example, a lone manifest) is shown,
// and a chart's first job fetches it at once. The third module (lazy/hookline_crypto_web: Sprig's
// crypto, dates, full regexes, rare functions, schema validation) comes only when a chart calls
// one of those: a chart that calls genCA makes it load and renders again with the certificate.
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

// A new page on the playground with no draft left by an earlier test; `fetched` collects the
// paths the page requests from its first load on.
async function freshPage() {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  return { page, errors, fetched };
}

// A fresh page (no draft left by an earlier test) that opens the gallery's backup-job chart.
// `fetched` goes on collecting what the page requests; `addFile` adds a file and types `text`
// into it.
async function openBackupJob() {
  const { page, errors, fetched } = await freshPage();
  // the first goto may have opened an earlier test's draft
  fetched.length = 0;
  await page.locator('.step').first().waitFor();
  const lazy = () => fetched.filter((p) => p.includes('/lazy/'));
  // A chart (the first page holds a plain manifest): the gallery's backup-job.
  await page.locator('#gallery-toggle').click();
  await page.locator('[data-example="backup-job"]').click();
  await page.waitForFunction(
    () => document.querySelector('#file-list .file') && !document.querySelector('#gallery-list:not([hidden])'),
  );
  await page.locator('.step').first().waitFor();
  const addFile = async (path, text) => {
    await page.locator('#file-path').fill(path);
    await page.locator('#file-new').click();
    await page.locator(`#file-list [data-path="${path}"]`).waitFor();
    await page.locator('#editor').fill(text);
  };
  return { page, errors, fetched, lazy, addFile };
}

// A page on the example whose requests for the second module wait for `gate` (or fail when it
// is `null`), in this browser's context (so that the lint worker's requests are held too).
async function pageWithSecondModule(gate) {
  const route = async (r) => {
    if (gate === null) return r.abort('failed');
    await gate;
    return r.continue();
  };
  await browser.context.route('**/lazy/**', route);
  const { page, errors, fetched } = await freshPage();
  return { page, errors, fetched, unroute: () => browser.context.unroute('**/lazy/**', route) };
}

test('the first timeline does not wait for the second module; Share, exports and lint use it once it is there', async () => {
  let open;
  const gate = new Promise((resolve) => (open = resolve));
  const { page, errors, fetched, unroute } = await pageWithSecondModule(gate);
  try {
    // The timeline is drawn while the module is held back; the page asks for it only then.
    await page.locator('.step').first().waitFor();
    await page.waitForFunction(() => /Preparing the exports/.test(document.querySelector('#export-status')?.textContent || ''));
    assert.ok(await page.locator('#copy-markdown').isDisabled());
    assert.ok(await page.locator('#download-svg').isDisabled());
    await page.locator('#share-button').click();
    assert.match(await page.locator('#share-length').innerText(), /Preparing the link/);
    assert.ok(await page.locator('#copy-link').isDisabled());
    assert.equal(await page.locator('#share-link').inputValue(), '');
    await screenshot(page, 'second-module-loading');
    open();
    // Then the link, the exports and the findings come.
    await page.waitForFunction(() => /#h1\./.test(document.querySelector('#share-link').value));
    assert.match(await page.locator('#share-length').innerText(), /^\d+ characters/);
    assert.ok(await page.locator('#copy-link').isEnabled());
    await page.locator('#copy-markdown:enabled').waitFor();
    assert.equal(await page.locator('#export-status').innerText(), '');
    assert.ok(fetched.some((p) => p.endsWith('/lazy/hookline_engine_web_bg.wasm')), JSON.stringify(fetched));
    await page.locator('#gallery-toggle').click();
    await page.locator('[data-example="missing-configmap"]').click();
    await page.locator('.phase[data-phase="pre-install"] .card[data-name="init-db"] .finding[data-rule="HL001"]').waitFor();
    assert.equal(await page.locator('#lint-stopped').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    open();
    await unroute();
    await page.close();
  }
});

test('when the second module cannot load, lint, Share and the exports say so', async () => {
  const { page, fetched, unroute } = await pageWithSecondModule(null);
  try {
    await page.locator('.step').first().waitFor();
    await page.waitForFunction(() => /could not be prepared: the second module did not load/.test(document.querySelector('#export-status')?.textContent || ''));
    assert.ok(await page.locator('#copy-markdown').isDisabled());
    await page.locator('#lint-stopped').waitFor();
    assert.match(await page.locator('#lint-stopped').innerText(), /Linting failed/);
    // Opening Share asks for the module again (it says "Preparing the link…" meanwhile), then
    // tells that this attempt failed too.
    await page.locator('#share-button').click();
    await page.waitForFunction(() => /The link could not be prepared: the second module did not load/.test(document.querySelector('#share-length')?.textContent || ''));
    assert.ok(await page.locator('#copy-link').isDisabled());
    assert.ok(fetched.some((p) => p.includes('/lazy/')), JSON.stringify(fetched));
    // The timeline itself is unaffected.
    assert.ok((await page.locator('.step').count()) > 0);
    await screenshot(page, 'second-module-failed');
  } finally {
    await unroute();
    await page.close();
  }
});

test('a chart renders in the second module; the third one stays unfetched', async () => {
  const { page, errors, fetched } = await openBackupJob();
  // backup-job's hook runs before upgrades.
  await page.locator('.phase[data-phase="pre-upgrade"] .card').first().waitFor();
  assert.ok(fetched.some((p) => p.endsWith('/lazy/hookline_engine_web_bg.wasm')), JSON.stringify(fetched));
  assert.ok(!fetched.some((p) => p.includes('/lazy/hookline_crypto_web')), JSON.stringify(fetched));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a chart opened while the second module cannot load says why', async () => {
  const { page, unroute } = await pageWithSecondModule(null);
  try {
    await page.locator('.step').first().waitFor();
    await page.locator('#gallery-toggle').click();
    await page.locator('[data-example="backup-job"]').click();
    await page.waitForFunction(() => /second module did not load/.test(document.querySelector('main')?.innerText || document.body.innerText));
    const text = await page.locator('body').innerText();
    assert.match(text, /second module did not load/);
    await screenshot(page, 'second-module-failed-chart');
  } finally {
    await unroute();
    await page.close();
  }
});

test('the crypto module loads only when a chart calls genCA', async () => {
  const { page, errors, fetched, addFile } = await openBackupJob();
  await addFile(
    'templates/ca.yaml',
    [
      '{{- $ca := genCA "hookline-ca" 365 }}',
      '{{- $leaf := genSignedCert "webhook" (list "10.0.0.1") (list "webhook.svc") 30 $ca }}',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: webhook-cert',
      '  annotations:',
      '    "helm.sh/hook": pre-install',
      'stringData:',
      '  ca.crt: {{ $ca.Cert | quote }}',
      '  tls.key: {{ $leaf.Key | quote }}',
      '  bcrypt: {{ bcrypt "pw" | len | quote }}',
      '',
    ].join('\n'),
  );
  await page.locator('.phase[data-phase="pre-install"] .card[data-name="webhook-cert"]').waitFor();
  assert.ok(fetched.some((p) => p.endsWith('/lazy/hookline_crypto_web_bg.wasm')), JSON.stringify(fetched));
  await page.locator('#tab-rendered').click();
  await page.locator('#rendered pre').first().waitFor();
  const rendered = (await page.locator('#rendered pre').allInnerTexts()).join('\n');
  assert.match(rendered, /ca\.crt: "-----BEGIN CERTIFICATE-----\\nMII/);
  assert.match(rendered, /tls\.key: "-----BEGIN RSA PRIVATE KEY-----\\nMII/);
  assert.match(rendered, /bcrypt: "60"/);
  assert.doesNotMatch(rendered, /not loaded/);
  await screenshot(page, 'lazy-crypto');
  assert.deepEqual(errors, []);
  await page.close();
});

// The same module serves the regex patterns regex-lite does not take as Go does (Unicode classes,
// case folding) and the values.schema.json validator; plain patterns run in the page.
test('plain regexes run in the page; \\p{..} and a values schema load the second module', async () => {
  const { page, errors, fetched, lazy, addFile } = await openBackupJob();
  const rendered = async () => {
    await page.locator('#tab-rendered').click();
    await page.locator('#rendered pre').first().waitFor();
    const text = (await page.locator('#rendered pre').allInnerTexts()).join('\n');
    await page.locator('#tab-timeline').click();
    return text;
  };
  // pre-install hooks, so each has a card of its own
  const cm = (name, data) =>
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${name}`,
      '  annotations:',
      '    "helm.sh/hook": pre-install',
      'data:',
      ...data,
      '',
    ].join('\n');

  await addFile('templates/plain.yaml', cm('plain', ['  a: {{ regexReplaceAll "[0-9]+" "ab12cd345" "-" | quote }}']));
  await page.locator('.phase[data-phase="pre-install"] .card[data-name="plain"]').waitFor();
  assert.match(await rendered(), /a: "ab-cd-"/);

  await addFile(
    'templates/unicode.yaml',
    cm('unicode', [
      '  b: {{ regexFindAll "\\\\p{Greek}+" "abc αβγ d δ" -1 | join "," | quote }}',
      '  c: {{ regexMatch "(?i)^σ$" "Σ" | quote }}',
    ]),
  );
  await page.locator('.phase[data-phase="pre-install"] .card[data-name="unicode"]').waitFor();
  let text = await rendered();
  for (let i = 0; i < 50 && /not loaded/.test(text); i++) {
    await page.waitForTimeout(100);
    text = await rendered();
  }
  assert.match(text, /b: "αβγ,δ"/);
  assert.match(text, /c: "true"/);
  assert.doesNotMatch(text, /not loaded/);
  assert.ok(lazy().some((p) => p.endsWith('/lazy/hookline_crypto_web_bg.wasm')), JSON.stringify(fetched));

  // A schema the values break: Helm's error text, from the second module.
  await addFile(
    'values.schema.json',
    JSON.stringify({ type: 'object', properties: { image: { type: 'string', pattern: '^\\p{Lu}' } } }),
  );
  await page.waitForFunction(() => /does not match pattern/.test(document.body.innerText));
  assert.doesNotMatch(await page.locator('body').innerText(), /not loaded/);
  assert.deepEqual(errors, []);
  await page.close();
});

// On the backup-job chart (see openBackupJob), a template `name` (a pre-install hook) with
// `lines` is added: the page fetches the second module and renders the template, returned once
// `last` shows and no "not loaded" error is left.
async function renderWithSecondModule(name, lines, last) {
  const { page, errors, fetched, lazy, addFile } = await openBackupJob();
  await addFile(`templates/${name}.yaml`, lines.join('\n'));
  await page.locator(`.phase[data-phase="pre-install"] .card[data-name="${name}"]`).waitFor();
  await page.locator('#tab-rendered').click();
  await page.locator('#rendered pre').first().waitFor();
  let text = '';
  for (let i = 0; i < 50; i++) {
    text = (await page.locator('#rendered pre').allInnerTexts()).join('\n');
    if (!/not loaded/.test(text) && last.test(text)) break;
    await page.waitForTimeout(100);
  }
  assert.doesNotMatch(text, /not loaded/);
  assert.ok(lazy().some((p) => p.endsWith('/lazy/hookline_crypto_web_bg.wasm')), JSON.stringify(fetched));
  await screenshot(page, `lazy-${name}`);
  assert.deepEqual(errors, []);
  await page.close();
  return text;
}

// Sprig's date functions (and the methods of the time.Time values they return) are served by the
// same module: a chart that calls one loads it and renders as the built-in functions would.
test('a chart calling date functions loads the second module and renders the dates', async () => {
  const text = await renderWithSecondModule(
    'dates',
    [
      '{{- $t := toDate "2006-01-02" "2024-03-10" }}',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: dates',
      '  annotations:',
      '    "helm.sh/hook": pre-install',
      'data:',
      '  ny: {{ dateInZone "2006-01-02 15:04 MST" $t "America/New_York" | quote }}',
      '  weekday: {{ $t.Weekday | quote }}',
      '  later: {{ ($t.AddDate 0 1 1).Format "Jan 2, 2006" | quote }}',
      '  modified: {{ dateModify "-90m" $t | date "15:04" | quote }}',
      '  json: {{ $t | toJson | quote }}',
      '  printed: {{ printf "%v" $t | quote }}',
      '  year: {{ now | date "2006" | quote }}',
      '  took: {{ duration "3725" | quote }}',
      '',
    ],
    /took:/,
  );
  assert.match(text, /ny: "2024-03-09 19:00 EST"/);
  assert.match(text, /weekday: "Sunday"/);
  assert.match(text, /later: "Apr 11, 2024"/);
  assert.match(text, /modified: "22:30"/);
  assert.match(text, /json: "\\"2024-03-10T00:00:00Z\\""/);
  assert.match(text, /printed: "2024-03-10 00:00:00 \+0000 UTC"/);
  assert.match(text, /year: "\d{4}"/);
  assert.match(text, /took: "1h2m5s"/);
});

// So are the Sprig functions almost no chart calls (funcs::RARE: sha512sum, urlParse, camelcase, ...,
// and Helm's toYamlPretty and toToml).
test('a chart calling a rarely used function loads the second module and renders its result', async () => {
  const text = await renderWithSecondModule(
    'rare',
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: rare',
      '  annotations:',
      '    "helm.sh/hook": pre-install',
      'data:',
      '  sha: {{ sha512sum "Hello world!" | trunc 16 | quote }}',
      '  host: {{ (urlParse "https://u@h.example:8443/p?q=1").host | quote }}',
      '  camel: {{ camelcase "http_server" | quote }}',
      '  chunks: {{ chunk 2 (list 1 2 3) | toJson | quote }}',
      '  pretty: {{ dict "a" (list 1 2) | toYamlPretty | quote }}',
      '  toml: {{ dict "k" "v" "n" 2 | toToml | quote }}',
      '  rep: {{ repeat 3 "ab" | quote }}',
      '  seq: {{ seq 3 | quote }}',
      '  eq: {{ deepEqual (list 1 2) (list 1 2) | quote }}',
      '',
    ],
    /eq:/,
  );
  assert.match(text, /sha: "f6cde2a0f819314c"/);
  assert.match(text, /host: "h\.example:8443"/);
  assert.match(text, /camel: "HttpServer"/);
  assert.match(text, /chunks: "\[\[1,2\],\[3\]\]"/);
  assert.match(text, /pretty: "a:\\n  - 1\\n  - 2"/);
  assert.match(text, /toml: "k = \\"v\\"\\nn = 2\\n"/);
  assert.match(text, /rep: "ababab"/);
  assert.match(text, /seq: "1 2 3"/);
  assert.match(text, /eq: "true"/);
});
