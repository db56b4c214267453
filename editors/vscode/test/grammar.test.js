// Checks of the grammar beyond the assertions in test/**/*.occ, which
// vscode-tmgrammar-test runs:
//   - the JSON is what its source, syntaxes/occ.tmLanguage.js, writes;
//   - every regular expression in it compiles, reached by a test or not;
//   - package.json's contributions name files that exist;
//   - every contract under specs/ is tokenized with no word left without a
//     scope of its own, so that syntax added to the language and used in a
//     spec shows up here until the grammar learns it.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');
const oniguruma = require('vscode-oniguruma');
const vsctm = require('vscode-textmate');

const root = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const grammarPath = path.join(root, 'syntaxes', 'occ.tmLanguage.json');
const specs = path.join(root, '..', '..', 'specs');

const ready = oniguruma.loadWASM(fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);

async function loadGrammar() {
  await ready;
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.occ' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  return registry.loadGrammar('source.occ');
}

function* regexes(node, where) {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) yield* regexes(n, `${where}[${i}]`);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') yield [`${where}.${k}`, v];
      else yield* regexes(v, `${where}.${k}`);
    }
  }
}

test('occ.tmLanguage.json is what occ.tmLanguage.js writes (npm run grammar)', () => {
  const { text } = require('../syntaxes/occ.tmLanguage.js');
  assert.ok(fs.readFileSync(grammarPath, 'utf8') === text, 'syntaxes/occ.tmLanguage.json is stale: run npm run grammar');
});

test('every regular expression in the grammar compiles', async () => {
  await ready;
  const grammar = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
  let n = 0;
  for (const [where, source] of regexes(grammar, 'grammar')) {
    // An end pattern's \1, \2 stand for text its begin matched.
    const pattern = where.endsWith('.end') ? source.replace(/\\(\d)/g, 'x') : source;
    assert.doesNotThrow(() => new oniguruma.OnigScanner([pattern]).dispose(), `${where}: ${source}`);
    n++;
  }
  assert.ok(n > 50, `only ${n} patterns found`);
});

test("package.json's contributions name files that exist", () => {
  const { languages, grammars } = manifest.contributes;
  assert.deepEqual(languages.map((l) => [l.id, l.extensions]), [['occ', ['.occ']]]);
  assert.deepEqual(grammars.map((g) => [g.language, g.scopeName]), [['occ', 'source.occ']]);
  for (const file of [manifest.main, languages[0].configuration, grammars[0].path]) {
    assert.ok(fs.existsSync(path.join(root, file)), `${file} is missing`);
  }
  JSON.parse(fs.readFileSync(path.join(root, languages[0].configuration), 'utf8'));
  assert.equal(JSON.parse(fs.readFileSync(grammarPath, 'utf8')).scopeName, 'source.occ');
});

function occFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return occFiles(p);
    return e.name.endsWith('.occ') ? [p] : [];
  });
}

test('every word of every contract under specs/ has a scope', async () => {
  const grammar = await loadGrammar();
  const files = occFiles(specs);
  assert.ok(files.length >= 8, `only ${files.length} .occ files under ${specs}`);
  const bare = [];
  for (const file of files) {
    let state = vsctm.INITIAL;
    fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((line, i) => {
      const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
      state = ruleStack;
      for (const t of tokens) {
        const text = line.slice(t.startIndex, t.endIndex);
        const inner = t.scopes[t.scopes.length - 1];
        if (text.trim() && (inner === 'source.occ' || inner.startsWith('meta.'))) {
          bare.push(`${path.relative(specs, file)}:${i + 1}:${t.startIndex + 1}: ${JSON.stringify(text.trim())} has only ${t.scopes.join(' ')}`);
        }
      }
    });
    assert.equal(state.depth, 1, `${file} ends inside a block or expression of the grammar`);
  }
  assert.deepEqual(bare, [], 'words the grammar gives no scope (teach syntaxes/occ.tmLanguage.json)');
});
