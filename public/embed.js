/*
 * Hookline embeds for documentation pages.
 *
 *   <script src="https://YOUR-HOOKLINE-SITE/public/embed.js" defer></script>
 *   <pre data-hookline data-scenario="install upgrade">
 *   apiVersion: batch/v1
 *   kind: Job
 *   ...
 *   </pre>
 *
 * Each <pre data-hookline> block becomes an embedded playground (an iframe of this site in
 * embed mode) showing what Helm does with the manifest's hooks. The block holds a rendered
 * manifest (multi-document YAML, e.g. `helm template` output) or a Hookline share link.
 * Attributes (all optional):
 *   data-scenario  the commands, in order: "install upgrade rollback uninstall test"
 *                  (spaces, commas or arrows between them; default "install")
 *   data-helm      v3 or v4 (default v4)
 *   data-release, data-namespace
 *   data-step      the step to show first (1-based)
 *   data-view      rendered (the rendered manifests) or compare (Helm 3 beside Helm 4)
 *                  instead of the timeline
 *   data-height    the iframe's height in pixels (default 480)
 *
 * The iframe is sandboxed with exactly "allow-scripts allow-same-origin allow-popups":
 *   allow-scripts      the playground is WebAssembly started by a script;
 *   allow-same-origin  without it the frame has an opaque origin, and the browser fetches
 *                      the playground's module script and .wasm in CORS mode from "null",
 *                      which a static host without CORS headers refuses;
 *   allow-popups       the embed's "Open in Hookline" link opens the full playground in a
 *                      new tab.
 * Nothing else: the embed never navigates the documentation page, submits forms, or opens
 * dialogs. The link's state travels in the URL fragment, which is never sent to a server.
 *
 * The site's address is where this script was loaded from (the site's public/ folder), so the
 * embeds open on the same deployment (a domain root or a sub-path such as /hookline/).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var src = script && script.src ? script.src : document.baseURI;
  var site = new URL(src.replace(/[?#].*$/, '').replace(/(public\/)?embed\.js$/, ''), document.baseURI).href;
  var SANDBOX = 'allow-scripts allow-same-origin allow-popups';
  var OPS = ['install', 'upgrade', 'rollback', 'uninstall', 'test'];

  function base64url(bytes) {
    var bin = '';
    for (var i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function deflateRaw(text) {
    var stream = new Blob([new TextEncoder().encode(text)])
      .stream()
      .pipeThrough(new CompressionStream('deflate-raw'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function scenario(attr) {
    var words = (attr || 'install').split(/[\s,>→-]+/).filter(Boolean);
    var steps = [];
    for (var i = 0; i < words.length; i++) {
      var op = words[i].toLowerCase();
      if (op === 'delete') op = 'uninstall';
      if (OPS.indexOf(op) < 0) throw new Error('data-scenario: unknown command "' + words[i] + '"');
      steps.push({ op: op });
    }
    return { steps: steps.length ? steps : [{ op: 'install' }] };
  }

  /** The share state of a manifest, with the fields in the order of the playground's own. */
  function state(manifest, el) {
    var s = { chart: { type: 'files', files: { 'manifest.yaml': manifest } } };
    var release = el.getAttribute('data-release');
    var namespace = el.getAttribute('data-namespace');
    if (release) s.release = release;
    if (namespace) s.namespace = namespace;
    s.helm = el.getAttribute('data-helm') === 'v3' ? 'v3' : 'v4';
    s.scenario = scenario(el.getAttribute('data-scenario'));
    return s;
  }

  /** The block's text without the indentation its lines share. */
  function dedent(text) {
    var lines = text.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
    var indent = Infinity;
    lines.forEach(function (l) {
      if (l.trim()) indent = Math.min(indent, l.match(/^ */)[0].length);
    });
    if (!isFinite(indent)) indent = 0;
    return lines.map(function (l) { return l.slice(indent); }).join('\n') + '\n';
  }

  async function fragment(el) {
    var text = el.textContent.trim();
    var link = text.match(/^(?:\S*#)?(h1\.[A-Za-z0-9_-]+)$/);
    if (link) return link[1];
    var json = JSON.stringify(state(dedent(el.textContent), el));
    return 'h1.' + base64url(await deflateRaw(json));
  }

  async function embed(el) {
    if (el.getAttribute('data-hookline-done')) return;
    el.setAttribute('data-hookline-done', '1');
    if (typeof CompressionStream === 'undefined') return; // leave the block as it is
    var frag;
    try {
      frag = await fragment(el);
    } catch (e) {
      var note = document.createElement('p');
      note.className = 'hookline-embed-error';
      note.textContent = 'Hookline: ' + e.message;
      el.after(note);
      return;
    }
    var query = '?embed=1';
    var step = el.getAttribute('data-step');
    if (step && /^\d+$/.test(step)) query += '&step=' + step;
    var view = el.getAttribute('data-view');
    if (view === 'rendered' || view === 'compare') query += '&view=' + view;
    var frame = document.createElement('iframe');
    frame.src = site + query + '#' + frag;
    frame.title = el.getAttribute('title') || "Hookline: what Helm does with these hooks";
    frame.setAttribute('sandbox', SANDBOX);
    frame.setAttribute('loading', 'lazy');
    frame.className = 'hookline-embed';
    frame.width = '100%';
    frame.height = String(parseInt(el.getAttribute('data-height'), 10) || 480);
    frame.style.border = '1px solid #d0d7de';
    frame.style.borderRadius = '8px';
    el.replaceWith(frame);
  }

  function scan(root) {
    var blocks = (root || document).querySelectorAll('pre[data-hookline]');
    return Promise.all(Array.prototype.map.call(blocks, embed));
  }

  window.HooklineEmbed = { scan: scan, site: site, sandbox: SANDBOX };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { scan(); });
  } else {
    scan();
  }
})();
