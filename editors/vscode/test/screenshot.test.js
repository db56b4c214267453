// The screenshot in docs/editors.md: specs/individual-outcomes's params
// and first rules highlighted by this grammar, in the colours of VS Code's Dark+ theme,
// rendered by headless Chromium. The test tokenizes the contract with
// vscode-textmate (as VS Code does), writes the page, takes the screenshot
// and checks that it is not blank: it has the theme's background and at
// least six of the theme's token colours, so a grammar that stopped
// scoping a kind of word would show. The committed picture must have the
// same size as a fresh one; fonts differ between machines, so pixels are
// not compared. OCC_UPDATE_SCREENSHOTS=1 writes the fresh one over it.
//
// Without chromium the test is skipped, unless OCC_CHROMIUM=1 (as .ci/run
// sets), when it fails.
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');
const zlib = require('node:zlib');
const oniguruma = require('vscode-oniguruma');
const vsctm = require('vscode-textmate');

const root = path.join(__dirname, '..');
const grammarPath = path.join(root, 'syntaxes', 'occ.tmLanguage.json');
const spec = path.join(root, '..', '..', 'specs', 'individual-outcomes', 'contract.occ');
const committed = path.join(root, '..', '..', 'docs', 'img', 'editor-highlighting.png');

// Dark+ colours, by the first scope prefix that matches (most specific first).
const background = [0x1e, 0x1e, 0x1e];
const theme = [
  ['comment', '#6a9955'],
  ['string', '#ce9178'],
  ['constant.numeric', '#b5cea8'],
  ['constant.language', '#569cd6'],
  ['constant.other', '#4fc1ff'],
  ['storage', '#569cd6'],
  ['keyword.control', '#c586c0'],
  ['keyword.operator', '#d4d4d4'],
  ['keyword', '#c586c0'],
  ['entity.name.function', '#dcdcaa'],
  ['entity.name.type', '#4ec9b0'],
  ['support.function', '#dcdcaa'],
  ['support.type', '#4ec9b0'],
  ['variable.other.constant', '#4fc1ff'],
  ['variable.other.property', '#9cdcfe'],
  ['variable.other.field', '#9cdcfe'],
  ['variable', '#9cdcfe'],
];

function colourOf(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    for (const [prefix, colour] of theme) {
      if (scopes[i] === prefix || scopes[i].startsWith(prefix + '.')) return colour;
    }
  }
  return '#d4d4d4';
}

async function loadGrammar() {
  await oniguruma.loadWASM(fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
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

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// shown are the runs of the contract's lines the picture shows, numbered
// from 1: its params, and its first rules.
const shown = [[19, 28], [47, 72]];

// page returns the HTML of the shown lines of the contract, highlighted.
// Every line is tokenized, in order, so that each shown one is scoped as
// VS Code would scope it in the whole file.
function page(grammar, lines) {
  let state = vsctm.INITIAL;
  const rows = [];
  lines.forEach((line, i) => {
    const { tokens, ruleStack } = grammar.tokenizeLine(line, state);
    state = ruleStack;
    const n = i + 1;
    const run = shown.findIndex(([from, to]) => n >= from && n <= to);
    if (run < 0) return;
    if (run > 0 && n === shown[run][0]) rows.push('<div class="gap"><span class="n">⋯</span></div>');
    const spans = tokens.map((t) => {
      const text = line.slice(t.startIndex, t.endIndex);
      return `<span style="color:${colourOf(t.scopes)}">${escape(text)}</span>`;
    });
    rows.push(`<div><span class="n">${n}</span>${spans.join('')}</div>`);
  });
  const bg = '#' + background.map((c) => c.toString(16).padStart(2, '0')).join('');
  return `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:${bg};color:#d4d4d4;font:15px/22px "DejaVu Sans Mono",monospace;padding:12px 0}
div{white-space:pre}.n{display:inline-block;width:3em;margin-right:1.5em;text-align:right;color:#858585}
</style>${rows.join('\n')}`;
}

// pngSize reads a PNG's width and height from its IHDR chunk.
function pngSize(b) {
  assert.equal(b.toString('latin1', 1, 4), 'PNG', 'not a PNG');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

// pngColours returns the set of colours (as rrggbb) of an 8-bit RGB or RGBA
// PNG, by inflating its pixel data and undoing each row's filter.
function pngColours(b) {
  const { width, height } = pngSize(b);
  const type = b[25];
  assert.ok(b[24] === 8 && (type === 2 || type === 6), `PNG of depth ${b[24]} and colour type ${type}`);
  const bpp = type === 6 ? 4 : 3;
  const idat = [];
  for (let off = 8; off < b.length; ) {
    const len = b.readUInt32BE(off);
    if (b.toString('latin1', off + 4, off + 8) === 'IDAT') idat.push(b.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  let prev = Buffer.alloc(stride);
  const colours = new Map();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? row[x - bpp] : 0;
      const up = prev[x];
      const c = x >= bpp ? prev[x - bpp] : 0;
      let p = 0;
      switch (filter) {
        case 1: p = a; break;
        case 2: p = up; break;
        case 3: p = (a + up) >> 1; break;
        case 4: {
          const q = a + up - c;
          const pa = Math.abs(q - a), pb = Math.abs(q - up), pc = Math.abs(q - c);
          p = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
          break;
        }
      }
      row[x] = (row[x] + p) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const k = row.subarray(x * bpp, x * bpp + 3).toString('hex');
      colours.set(k, (colours.get(k) || 0) + 1);
    }
    prev = row;
  }
  return colours;
}

function chromium() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  return null;
}

test('the highlighting screenshot in docs/editors.md is current and not blank', async (t) => {
  const bin = chromium();
  if (!bin) {
    assert.notEqual(process.env.OCC_CHROMIUM, '1', 'OCC_CHROMIUM=1 but chromium is not installed');
    t.skip('chromium is not installed (set OCC_CHROMIUM=1 to require it)');
    return;
  }
  const grammar = await loadGrammar();
  const lines = fs.readFileSync(spec, 'utf8').split('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'occ-shot-'));
  const html = path.join(dir, 'page.html');
  const png = path.join(dir, 'shot.png');
  fs.writeFileSync(html, page(grammar, lines));
  execFileSync(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1',
    '--window-size=1000,850', `--screenshot=${png}`, 'file://' + html], { stdio: 'pipe', timeout: 60000 });
  const shot = fs.readFileSync(png);
  const colours = pngColours(shot);
  const bg = background.map((c) => c.toString(16).padStart(2, '0')).join('');
  const { width, height } = pngSize(shot);
  assert.ok((colours.get(bg) || 0) > (width * height) / 2, 'the background is not the theme\'s: a blank or unstyled page');
  const seen = new Set(theme.map(([, c]) => c.slice(1)).filter((c) => colours.has(c)));
  assert.ok(seen.size >= 6, `only ${seen.size} of the theme's token colours drawn (${[...seen].join(', ')})`);
  if (process.env.OCC_UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(path.dirname(committed), { recursive: true });
    fs.copyFileSync(png, committed);
  }
  assert.ok(fs.existsSync(committed), `${committed} is missing: run with OCC_UPDATE_SCREENSHOTS=1`);
  assert.deepEqual(pngSize(fs.readFileSync(committed)), { width, height }, 'the committed screenshot has another size');
  fs.rmSync(dir, { recursive: true });
});
