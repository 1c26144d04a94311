// Starts the playground. Trunk writes the <script> tag that loads this file (Trunk.toml's
// `pattern_script`) with the hashed names of the wasm-bindgen glue and the wasm module in
// its data-* attributes. A file instead of Trunk's inline start-up script lets the page's
// Content-Security-Policy allow only 'self' scripts, with no hash to keep in step with
// every build. The render worker (worker.js) reads the same attributes.
const tag = document.querySelector('script[data-glue]');
const url = (attr) => new URL(tag.getAttribute(attr), document.baseURI).href;
const glue = await import(url('data-glue'));
await glue.default({ module_or_path: url('data-wasm') });
