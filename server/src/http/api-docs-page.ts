/**
 * [OPS82] The browsable page at /api/docs. Self-contained: no CDN, and no inline script (helmet's CSP
 * allows scripts from 'self' only), so the page loads /api/docs.js, which fetches both documents and
 * renders them with textContent (schema text is never parsed as HTML).
 */
export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rally API</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem; color: #1b1f24; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccd; }
  nav a { margin-right: 1rem; }
  details { border: 1px solid #dde; border-radius: 6px; margin: .35rem 0; padding: .3rem .6rem; }
  summary { cursor: pointer; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
  .verb { font: 600 .8rem monospace; text-transform: uppercase; padding: .1rem .4rem; border-radius: 4px; background: #e8eef8; min-width: 3.6rem; text-align: center; }
  .path { font-family: monospace; overflow-wrap: anywhere; } .auth { font-size: .8rem; color: #556; }
  pre { background: #f5f6f8; padding: .6rem; overflow: auto; max-height: 28rem; font-size: .8rem; }
  input { font: inherit; padding: .3rem .5rem; width: 100%; max-width: 24rem; box-sizing: border-box; }
</style>
</head>
<body>
<h1>Rally API</h1>
<p>Generated from the schemas the server validates with. Raw documents:
<a href="/api/openapi.json">OpenAPI 3.1 (REST)</a>, <a href="/api/asyncapi.json">AsyncAPI 3.0 (socket)</a>.</p>
<p><label>Filter <input id="filter" type="search" placeholder="poll:vote, /api/join …"></label></p>
<nav><a href="#rest">REST routes</a><a href="#commands">Commands</a><a href="#facts">Facts</a></nav>
<h2 id="rest">REST routes</h2><div id="rest-list">Loading…</div>
<h2 id="commands">Socket commands (client → server, with ack)</h2><div id="command-list">Loading…</div>
<h2 id="facts">Socket facts (server → client)</h2><div id="fact-list">Loading…</div>
<script src="/api/docs.js"></script>
</body>
</html>
`;

export const DOCS_PAGE_SCRIPT = `'use strict';
(function () {
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function block(title, value) { var d = el('div'); d.appendChild(el('strong', null, title)); d.appendChild(el('pre', null, JSON.stringify(value, null, 2))); return d; }
  function entry(verb, name, note, parts) {
    var d = el('details'); d.dataset.key = (verb + ' ' + name).toLowerCase();
    var s = el('summary'); s.appendChild(el('span', 'verb', verb)); s.appendChild(el('span', 'path', name)); if (note) s.appendChild(el('span', 'auth', note));
    d.appendChild(s); parts.forEach(function (p) { d.appendChild(p); }); return d;
  }
  function resolve(doc, ref) { return ref.slice(2).split('/').reduce(function (o, k) { return o && o[k]; }, doc); }
  function fill(id, items) { var box = document.getElementById(id); box.textContent = ''; items.forEach(function (i) { box.appendChild(i); }); }
  function rest(doc) {
    var items = [];
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method]; var parts = [el('p', null, op.summary + ' ' + op.description)];
        if (op.parameters) parts.push(block('Parameters', op.parameters));
        if (op.requestBody) parts.push(block('Request body', op.requestBody.content));
        parts.push(block('Responses', op.responses));
        items.push(entry(method, path, op['x-rally-auth'], parts));
      });
    });
    fill('rest-list', items);
  }
  function socket(doc) {
    var commands = [], facts = [];
    Object.keys(doc.operations).forEach(function (k) {
      var op = doc.operations[k]; var msg = resolve(doc, resolve(doc, op.messages[0].$ref).$ref);
      if (op.action === 'send') {
        var ack = resolve(doc, resolve(doc, op.reply.messages[0].$ref).$ref);
        commands.push(entry('emit', op.title, 'ack', [block('Payload', msg.payload), block('Ack', ack.payload)]));
      } else facts.push(entry('on', op.title, null, [block('Payload', msg.payload)]));
    });
    fill('command-list', commands); fill('fact-list', facts);
  }
  function load(url, render, id) {
    fetch(url).then(function (r) { return r.json(); }).then(render).catch(function (e) { document.getElementById(id).textContent = 'Could not load ' + url + ': ' + e; });
  }
  load('/api/openapi.json', rest, 'rest-list');
  load('/api/asyncapi.json', socket, 'command-list');
  document.getElementById('filter').addEventListener('input', function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    document.querySelectorAll('details').forEach(function (d) { d.hidden = q !== '' && d.dataset.key.indexOf(q) < 0; });
  });
})();
`;
