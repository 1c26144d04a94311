// The crypto functions live in a second wasm module (issue #11): the first load does not fetch
// it; a chart that calls genCA makes the page fetch it and render again with the certificate.
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

test('the crypto module loads only when a chart calls genCA', async () => {
  const page = await browser.context.newPage();
  const errors = watchErrors(page);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('.step').first().waitFor();
  assert.deepEqual(fetched.filter((p) => p.includes('/lazy/')), [], 'first load fetched the crypto module');

  // A chart (the first page holds a plain manifest): the gallery's backup-job.
  await page.locator('#gallery-toggle').click();
  await page.locator('[data-example="backup-job"]').click();
  await page.waitForFunction(
    () => document.querySelector('#file-list .file') && !document.querySelector('#gallery-list:not([hidden])'),
  );
  await page.locator('.step').first().waitFor();
  assert.deepEqual(fetched.filter((p) => p.includes('/lazy/')), [], 'a chart without crypto fetched the module');
  await page.locator('#file-path').fill('templates/ca.yaml');
  await page.locator('#file-new').click();
  await page.locator('#file-list [data-path="templates/ca.yaml"]').waitFor();
  await page.locator('#editor').fill(
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
