// Checks a packaged .vsix: node test/vsix-check.js PATH.vsix
//
// It must hold the manifest, the client, the grammar (the same bytes as
// syntaxes/occ.tmLanguage.json), the language configuration and the
// client's production dependencies, and none of the tests or development
// tools. Unpacked into a folder of its own, its extension.js must load with
// the dependencies it carries (with a stand-in for the `vscode` module, which
// only VS Code provides).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const yauzl = require('yauzl');

const root = path.join(__dirname, '..');

function readZip(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries = new Map();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

async function main() {
  const vsix = process.argv[2];
  assert.ok(vsix, 'usage: node test/vsix-check.js PATH.vsix');
  const entries = await readZip(vsix);
  const names = [...entries.keys()];

  for (const want of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/extension.js',
    'extension/language-configuration.json',
    'extension/syntaxes/occ.tmLanguage.json',
    'extension/node_modules/vscode-languageclient/package.json',
  ]) {
    assert.ok(entries.has(want), `${vsix} has no ${want}`);
  }
  assert.ok(
    entries.get('extension/syntaxes/occ.tmLanguage.json').equals(fs.readFileSync(path.join(root, 'syntaxes', 'occ.tmLanguage.json'))),
    'the grammar in the .vsix differs from syntaxes/occ.tmLanguage.json',
  );
  const manifest = JSON.parse(entries.get('extension/package.json'));
  assert.equal(manifest.contributes.grammars[0].path, './syntaxes/occ.tmLanguage.json');

  const unwanted = names.filter((n) =>
    /^extension\/(test\/|syntaxes\/.*\.js$|package-lock\.json|\.gitignore|\.vscodeignore|.*\.vsix$)/.test(n) ||
    /^extension\/node_modules\/(@vscode\/vsce|vscode-tmgrammar-test|vscode-textmate|vscode-oniguruma|yauzl)\//.test(n),
  );
  assert.deepEqual(unwanted, [], 'files the extension does not need at run time');

  // Unpack, and load extension.js with only the modules the .vsix carries.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'occ-vsix-'));
  try {
    for (const [name, data] of entries) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, data);
    }
    // Every property of the stand-in is itself, and it can be extended.
    const stub = new Proxy(function () {}, { get: (_, key) => (key === 'prototype' ? {} : stub) });
    const load = Module._load;
    Module._load = function (request, ...rest) {
      return request === 'vscode' ? stub : load.call(this, request, ...rest);
    };
    const ext = require(path.join(dir, 'extension', 'extension.js'));
    Module._load = load;
    assert.equal(typeof ext.activate, 'function');
    const from = require.resolve('vscode-languageclient/node', { paths: [path.join(dir, 'extension')] });
    assert.ok(from.startsWith(dir), `vscode-languageclient was loaded from ${from}, not the .vsix`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const kb = Math.round(fs.statSync(vsix).size / 1024);
  console.log(`${vsix}: ${names.length} files, ${kb} KB, grammar and client present, extension.js loads`);
}

main().catch((err) => {
  console.error(err.message || err);
  process.exit(1);
});
