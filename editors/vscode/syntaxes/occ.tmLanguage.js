// The source of occ.tmLanguage.json, the TextMate grammar of .occ files.
// Edit this file, then run `npm run grammar` to write the JSON; the tests
// fail while the two differ. It is JavaScript so that the patterns shared
// by many rules (a name, the start of a statement, the end of an
// expression, the guard below) are written once.
//
// The grammar follows the lexer in lang/lexer.go. Outside expressions a
// statement is a keyword and its words, and each kind of block (the header,
// data, rules, tests) has its own keywords. An expression runs from `=`, a
// comparison or `when` to the end of the statement, further while a bracket
// is open, and is highlighted by the CEL rules (cel-*), which know occ's
// literals too.
'use strict';

const R = String.raw;

const IDENT = R`[A-Za-z_][A-Za-z0-9_]*`;
// A statement starts a line, or follows `{` or `;` on it.
const S = R`(?:^|(?<=[{;]))\s*`;
// A declaration at the start of a line: closes anything left open above it
// (an unclosed bracket or brace), as `occ fmt` never indents one.
const GUARD = R`(?=^(?:contract|test)\s+\"|^(?:param|data|payment|incentive|sanction|share|cap|floor|standard|let|flag|exclude)\s+[A-Za-z_])`;
const STMT_END = R`(?=[;}]|//|$)|` + GUARD;
// An expression ends where the lexer ends it: the end of the line, `;`, a `}`
// or `//` outside brackets, or `NAME =` (the next field of a one-line record).
const EXPR_END = R`(?=[;}]|//|$)|(?<=[ \t])(?=` + IDENT + R`[ \t]*=(?!=))|` + GUARD;
const RULE_KINDS = 'payment|incentive|sanction|share|cap|floor|standard|let|flag|exclude';
const CUR = R`[£€\$¥]`;

const inc = (...names) => names.map((n) => ({ include: '#' + n }));

function block(name, patterns) {
  return {
    begin: R`\{`,
    beginCaptures: { 0: { name: 'punctuation.section.block.begin.occ' } },
    end: R`\}|` + GUARD,
    endCaptures: { 0: { name: 'punctuation.section.block.end.occ' } },
    name: `meta.block.${name}.occ`,
    patterns,
  };
}

const repo = {};

repo.comment = {
  match: R`(//).*$`,
  name: 'comment.line.double-slash.occ',
  captures: { 1: { name: 'punctuation.definition.comment.occ' } },
};

repo.string = {
  begin: R`\"`,
  beginCaptures: { 0: { name: 'punctuation.definition.string.begin.occ' } },
  end: R`\"|$`,
  endCaptures: { 0: { name: 'punctuation.definition.string.end.occ' } },
  name: 'string.quoted.double.occ',
  patterns: [{ match: R`\\.`, name: 'constant.character.escape.occ' }],
};

repo.terminator = { match: ';', name: 'punctuation.terminator.statement.occ' };

// Words outside expressions: the literals of statements.
repo.words = {
  patterns: [
    ...inc('string'),
    {
      match: R`(-)?(` + CUR + R`)(\d+(?:,\d+)*(?:\.\d+)?)`,
      name: 'constant.numeric.money.occ',
      captures: { 2: { name: 'punctuation.definition.currency.occ' } },
    },
    { match: R`(?<![\w.])\d{4}-\d{2}-\d{2}(?![\w.])`, name: 'constant.numeric.date.occ' },
    { match: R`(?<![\w.])\d{4}(?:-Q\d|/\d{2}|-\d{2})(?![\w.%])`, name: 'constant.numeric.period.occ' },
    {
      match: R`(?<![\w.])-?\d+(?:,\d+)*(?:\.\d+)?(%)`,
      name: 'constant.numeric.percent.occ',
      captures: { 1: { name: 'punctuation.definition.percent.occ' } },
    },
    { match: R`(?<![\w.])\d+[ \t]+(?:days?|weeks?)\b`, name: 'constant.numeric.duration.occ' },
    { match: R`(?<![\w.])-?\d+(?:,\d+)*\.\d+(?![\w.])`, name: 'constant.numeric.decimal.occ' },
    { match: R`(?<![\w.])-?\d+(?:,\d+)*(?![\w.])`, name: 'constant.numeric.integer.occ' },
    { match: R`\.\.`, name: 'keyword.operator.range.occ' },
    { match: R`\|`, name: 'punctuation.separator.enum.occ' },
    { match: ',', name: 'punctuation.separator.comma.occ' },
  ],
};

// An expression: after `=` or a comparison, to the end of the statement.
repo.expression = {
  patterns: [
    {
      begin: R`(?:(=)(?!=)|(==|!=|<=|>=|<|>))`,
      beginCaptures: { 1: { name: 'keyword.operator.assignment.occ' }, 2: { name: 'keyword.operator.comparison.occ' } },
      end: EXPR_END,
      contentName: 'meta.expression.cel.occ',
      patterns: inc('cel'),
    },
  ],
};

repo.when = {
  begin: S + R`(when)\b`,
  beginCaptures: { 1: { name: 'keyword.control.conditional.when.occ' } },
  end: EXPR_END,
  contentName: 'meta.expression.cel.occ',
  patterns: inc('cel'),
};

// --- CEL, with occ's literals -------------------------------------------
repo.cel = {
  patterns: inc('comment', 'cel-string', 'cel-group', 'cel-literal', 'cel-operator', 'cel-keyword', 'cel-call',
    'cel-selection', 'cel-identifier'),
};

function celString(prefix, quote, kind, escapes, multiline) {
  const r = {
    begin: '(' + prefix + ')(' + quote + ')',
    beginCaptures: { 1: { name: 'storage.type.string.cel.occ' }, 2: { name: 'punctuation.definition.string.begin.occ' } },
    end: R`\2` + (multiline ? '' : '|$'),
    endCaptures: { 0: { name: 'punctuation.definition.string.end.occ' } },
    name: `string.quoted.${kind}.cel.occ`,
  };
  if (escapes) r.patterns = [{ match: R`\\.`, name: 'constant.character.escape.occ' }];
  return r;
}

// CEL's strings: "..." and '...', triple-quoted, raw (r"...", no escapes)
// and bytes (b"...").
const RAW = R`[rR][bB]?|[bB][rR]`;
const TRIPLE = `"""|'''`;
repo['cel-string'] = {
  patterns: [
    celString(RAW, TRIPLE, 'triple', false, true),
    celString('[bB]?', TRIPLE, 'triple', true, true),
    celString(RAW, `["']`, 'raw', false, false),
    celString('[bB]?', '"', 'double', true, false),
    celString('[bB]?', "'", 'single', true, false),
  ],
};

// A `}` inside ( ) or [ ] closes the block around the expression, as the
// lexer reads it: the expression ends there.
function group(open, close, kind) {
  return {
    begin: open,
    beginCaptures: { 0: { name: `punctuation.section.${kind}.begin.occ` } },
    end: close + (kind === 'braces' ? '' : R`|(?=\})`) + '|' + GUARD,
    endCaptures: { 0: { name: `punctuation.section.${kind}.end.occ` } },
    patterns: inc('cel'),
  };
}

repo['cel-group'] = {
  patterns: [group(R`\(`, R`\)`, 'parens'), group(R`\[`, R`\]`, 'brackets'), group(R`\{`, R`\}`, 'braces')],
};

repo['cel-literal'] = {
  patterns: [
    {
      match: '(' + CUR + R`)\d+(?:,\d+)*(?:\.\d+)?`,
      name: 'constant.numeric.money.occ',
      captures: { 1: { name: 'punctuation.definition.currency.occ' } },
    },
    { match: R`(?<![\w.])\d{4}-\d{2}-\d{2}(?![\w.])`, name: 'constant.numeric.date.occ' },
    // 5% is a percentage unless an operand follows: then % is CEL's
    // remainder, as compiler/value's Rewrite reads it.
    {
      match: R`(?<![\w.])(?:\d+(?:\.\d+)?|\.\d+)(%)(?!\s*(?:[\w(\[{\"'\-!.]|£))`,
      name: 'constant.numeric.percent.occ',
      captures: { 1: { name: 'punctuation.definition.percent.occ' } },
    },
    { match: R`(?<![\w.])\d+[ \t]+(?:days?|weeks?)\b`, name: 'constant.numeric.duration.occ' },
    { match: R`\b0[xX][0-9a-fA-F]+[uU]?\b`, name: 'constant.numeric.hex.occ' },
    { match: R`(?<![\w.])(?:\d+\.\d+|\.\d+)(?![\w.])`, name: 'constant.numeric.decimal.occ' },
    { match: R`(?<![\w.])\d+[uU]?(?![\w.])`, name: 'constant.numeric.integer.occ' },
  ],
};

repo['cel-operator'] = {
  patterns: [
    { match: R`&&|\|\|`, name: 'keyword.operator.logical.occ' },
    { match: '==|!=|<=|>=|<|>', name: 'keyword.operator.comparison.occ' },
    { match: '!', name: 'keyword.operator.logical.occ' },
    { match: '[-+*/%]', name: 'keyword.operator.arithmetic.occ' },
    { match: '[?:]', name: 'keyword.operator.ternary.occ' },
    { match: ',', name: 'punctuation.separator.comma.occ' },
  ],
};

repo['cel-keyword'] = {
  patterns: [
    { match: R`\bin\b`, name: 'keyword.operator.in.occ' },
    { match: R`\b(?:true|false)\b`, name: 'constant.language.boolean.occ' },
    { match: R`\bnull\b`, name: 'constant.language.null.occ' },
    { match: R`\b(?:first|period_number|period_start|period_end)\b`, name: 'variable.language.occ' },
  ],
};

const AGG = 'count|sum|avg|min|max|ratio';
const BUILTIN = 'previous|sum_previous|count_previous|history|earlier|within|has|size|round|round_half_even|abs|ceil|floor|trunc|decimal|money|int|uint|double|' +
  'days|date|string|bool|bytes|percent|dyn|type|matches|duration|timestamp';
const METHODS = 'startsWith|endsWith|contains|matches|size|exists|exists_one|all|map|filter|year|month|day';

repo['cel-call'] = {
  patterns: [
    {
      match: R`(\.)\s*(` + METHODS + R`)\s*(?=\()`,
      captures: { 1: { name: 'punctuation.accessor.occ' }, 2: { name: 'support.function.method.occ' } },
    },
    {
      match: R`(\.)\s*(` + IDENT + R`)\s*(?=\()`,
      captures: { 1: { name: 'punctuation.accessor.occ' }, 2: { name: 'entity.name.function.method.occ' } },
    },
    { match: R`\b(?:` + AGG + R`)(?=\s*\()`, name: 'support.function.aggregate.occ' },
    { match: R`\b(?:` + BUILTIN + R`)(?=\s*\()`, name: 'support.function.builtin.occ' },
    { match: R`\b` + IDENT + R`(?=\s*\()`, name: 'entity.name.function.call.occ' },
  ],
};

repo['cel-selection'] = {
  patterns: [
    {
      match: R`(\.)\s*(` + IDENT + '|`[^`]*`)',
      captures: { 1: { name: 'punctuation.accessor.occ' }, 2: { name: 'variable.other.property.occ' } },
    },
    { match: R`\b` + IDENT + R`(?=\s*\.\s*[A-Za-z_` + '`])', name: 'variable.other.object.occ' },
  ],
};

repo['cel-identifier'] = { match: R`\b` + IDENT + R`\b`, name: 'variable.other.occ' };

// --- declarations ---------------------------------------------------------
// A declaration ends just after the `}` of its block.
function decl(key, begin, beginCaptures, name, body) {
  repo[key] = {
    begin,
    beginCaptures,
    end: R`(?<=\})|` + GUARD,
    name: `meta.declaration.${name}.occ`,
    patterns: [...inc('comment', 'string'), body],
  };
}

// The contract header.
decl('contract', R`^\s*(contract)\b`, { 1: { name: 'storage.type.contract.occ' } }, 'contract', block('contract', [
  ...inc('comment', 'terminator'),
  {
    match: S + R`(model)\b(?:\s+(` + IDENT + '))?',
    captures: { 1: { name: 'keyword.other.setting.occ' }, 2: { name: 'constant.other.model.occ' } },
  },
  {
    match: S + R`(payer)\b(?:\s+(` + IDENT + '))?',
    captures: { 1: { name: 'keyword.other.setting.occ' }, 2: { name: 'variable.other.payer.occ' } },
  },
  {
    // split [from DATE] NAME SHARE, NAME SHARE
    begin: S + R`(split)\b(?:\s+(from)\b)?`,
    beginCaptures: { 1: { name: 'keyword.other.setting.occ' }, 2: { name: 'keyword.other.setting.occ' } },
    end: STMT_END,
    patterns: [...inc('words'), { match: R`\b` + IDENT + R`\b`, name: 'variable.other.payer.occ' }],
  },
  {
    match: S + R`(commissioner|provider|reference|version|term|settlement|currency|rounding|budget)\b`,
    captures: { 1: { name: 'keyword.other.setting.occ' } },
  },
  { match: R`\b(?:monthly|quarterly|yearly|annually|term)\b`, name: 'constant.language.settlement.occ' },
  { match: R`\b(?:half_up|half_even|down|up|ceiling|floor)\b`, name: 'constant.language.rounding.occ' },
  { match: R`\b(?:GBP|EUR|USD|JPY|CHF|SEK|NOK|DKK|AUD|NZD|CAD)\b`, name: 'constant.language.currency.occ' },
  ...inc('expression', 'words'),
]));

// A table param: param NAME "Title" { KEY = VALUE; default = VALUE }.
decl('table', R`^\s*(param)\b(?:\s+(` + IDENT + R`))?(?=[^=\n]*\{)`,
  { 1: { name: 'storage.type.param.occ' }, 2: { name: 'variable.other.constant.param.occ' } }, 'param',
  block('table', [
    ...inc('comment', 'terminator'),
    { match: S + R`(default)(?=[ \t]*=(?!=))`, captures: { 1: { name: 'keyword.other.default.occ' } } },
    { match: S + '(' + IDENT + R`)(?=[ \t]*=(?!=))`, captures: { 1: { name: 'constant.other.key.occ' } } },
    ...inc('expression', 'words'),
  ]));

// param NAME "Title" = VALUE, one line (or more inside brackets).
repo.param = {
  begin: R`^\s*(param)\b(?:\s+(` + IDENT + '))?',
  beginCaptures: { 1: { name: 'storage.type.param.occ' }, 2: { name: 'variable.other.constant.param.occ' } },
  end: '$|' + GUARD,
  name: 'meta.declaration.param.occ',
  patterns: inc('comment', 'string', 'expression', 'words'),
};

// data NAME "Title" { FIELD [optional] TYPE ATTRIBUTES "Title" }
decl('data', R`^\s*(data)\b(?:\s+(` + IDENT + '))?',
  { 1: { name: 'storage.type.data.occ' }, 2: { name: 'entity.name.type.data.occ' } }, 'data',
  block('data', [
    ...inc('comment', 'terminator'),
    { match: S + R`(reference)(?=\s*(?:[;}]|//|$))`, captures: { 1: { name: 'storage.modifier.reference.occ' } } },
    {
      begin: S + '(' + IDENT + ')',
      beginCaptures: { 1: { name: 'variable.other.field.occ' } },
      end: STMT_END,
      name: 'meta.field.occ',
      patterns: [
        {
          match: R`\b(list)\b(?:\s+(` + IDENT + '))?',
          captures: { 1: { name: 'support.type.primitive.occ' }, 2: { name: 'entity.name.type.data.occ' } },
        },
        { match: R`\b(?:text|int|decimal|money|bool|date|days|string)\b`, name: 'support.type.primitive.occ' },
        { match: R`\b(?:optional|key|period|format|max)\b`, name: 'storage.modifier.occ' },
        { include: '#words' },
        // Any other word of a field is a value of its enumeration.
        { match: R`\b` + IDENT + R`\b`, name: 'constant.other.enum.occ' },
      ],
    },
  ]));

// Rules: KIND NAME "Title" { clauses }
decl('rule', R`^\s*(` + RULE_KINDS + R`)\b(?:\s+(` + IDENT + '))?',
  { 1: { name: 'storage.type.rule.$1.occ' }, 2: { name: 'entity.name.function.rule.occ' } }, 'rule',
  block('rule', [
    ...inc('comment', 'terminator', 'when'),
    {
      match: S + R`(for)\b(?:\s+(` + IDENT + '))?',
      captures: { 1: { name: 'keyword.other.clause.occ' }, 2: { name: 'entity.name.type.data.occ' } },
    },
    {
      // per SCOPE, or per FIELD, FIELD (a group); once per FIELD, FIELD
      begin: S + R`(?:(once)\s+)?(per)\b`,
      beginCaptures: { 1: { name: 'keyword.other.clause.occ' }, 2: { name: 'keyword.other.clause.occ' } },
      end: STMT_END,
      patterns: [
        { match: R`\b(?:month|quarter|year|term|period)\b`, name: 'constant.language.scope.occ' },
        { match: R`\b` + IDENT + R`\b`, name: 'variable.other.field.occ' },
        { match: ',', name: 'punctuation.separator.comma.occ' },
      ],
    },
    {
      match: S + R`(instalments)\b(?:\s+(monthly|quarterly)\b)?`,
      captures: { 1: { name: 'keyword.other.clause.occ' }, 2: { name: 'constant.language.instalments.occ' } },
    },
    {
      begin: S + R`(covers)\b`,
      beginCaptures: { 1: { name: 'keyword.other.clause.occ' } },
      end: STMT_END,
      patterns: [
        { match: R`\b` + IDENT + R`\b`, name: 'variable.other.rule.occ' },
        { match: ',', name: 'punctuation.separator.comma.occ' },
      ],
    },
    {
      match: S + R`(amount|basis|part|limit|measure|value|target|breach|repeated|reason|split|payer|due)\b`,
      captures: { 1: { name: 'keyword.other.clause.occ' } },
    },
    ...inc('expression', 'words'),
  ]));

// Tests: test "Name" { period ...; set ...; data "FILE"; RECORD { ... }; expect ... }
repo['test-record'] = {
  begin: S + '(' + IDENT + R`)\s*(\{)`,
  beginCaptures: { 1: { name: 'entity.name.type.data.occ' }, 2: { name: 'punctuation.section.block.begin.occ' } },
  end: R`\}|` + GUARD,
  endCaptures: { 0: { name: 'punctuation.section.block.end.occ' } },
  name: 'meta.record.occ',
  patterns: [
    ...inc('comment', 'terminator', 'test-record'),
    { match: R`\b` + IDENT + R`(?=[ \t]*=(?!=))`, name: 'variable.other.field.occ' },
    ...inc('expression', 'words'),
  ],
};

// expect payer NAME == AMOUNT
repo['expect-payer'] = {
  begin: S + R`(expect)\s+(payer)\b(?:\s+(` + IDENT + '))?',
  beginCaptures: {
    1: { name: 'keyword.other.expect.occ' },
    2: { name: 'keyword.other.expect.occ' },
    3: { name: 'variable.other.payer.occ' },
  },
  end: STMT_END,
  name: 'meta.expect.occ',
  patterns: inc('expression', 'words'),
};

repo.expect = {
  begin: S + R`(expect)\b(?:\s+(no)\b)?(?:\s+(total|lines|line|subtotal|standard|excluded|flag|error)\b` +
    R`(?:\s+(?:(payment|incentive|sanction|share|adjustment)\b|(` + IDENT + ')))?)?',
  beginCaptures: {
    1: { name: 'keyword.other.expect.occ' },
    2: { name: 'keyword.other.expect.occ' },
    3: { name: 'keyword.other.expect.occ' },
    4: { name: 'constant.language.kind.occ' },
    5: { name: 'variable.other.rule.occ' },
  },
  end: STMT_END,
  name: 'meta.expect.occ',
  patterns: [
    ...inc('string'),
    { match: R`\b(?:met|breach|missed)\b`, name: 'constant.language.status.occ' },
    ...inc('expression', 'words'),
  ],
};

decl('test', R`^\s*(test)\b`, { 1: { name: 'storage.type.test.occ' } }, 'test', block('test', [
  ...inc('comment', 'terminator', 'expect-payer', 'expect'),
  { match: S + R`(period)\b`, captures: { 1: { name: 'keyword.other.test.occ' } } },
  {
    match: S + R`(set)\b(?:\s+(` + IDENT + R`)(?:(\.)(` + IDENT + '))?)?',
    captures: {
      1: { name: 'keyword.other.test.occ' },
      2: { name: 'variable.other.constant.param.occ' },
      3: { name: 'punctuation.accessor.occ' },
      4: { name: 'constant.other.key.occ' },
    },
  },
  { match: S + R`(data)\b(?=\s*\")`, captures: { 1: { name: 'keyword.other.test.occ' } } },
  { match: R`\bterm\b`, name: 'constant.language.scope.occ' },
  ...inc('test-record', 'expression', 'words'),
]));

const grammar = {
  name: 'occ',
  scopeName: 'source.occ',
  fileTypes: ['occ'],
  patterns: inc('comment', 'contract', 'table', 'param', 'data', 'rule', 'test', 'words'),
  repository: repo,
};

// text is the grammar as occ.tmLanguage.json holds it.
const text = JSON.stringify(grammar, null, 2) + '\n';

module.exports = { grammar, text };

if (require.main === module) {
  require('node:fs').writeFileSync(require('node:path').join(__dirname, 'occ.tmLanguage.json'), text);
}
