/**
 * The go-template-js engine with the Helm glue: the engine fixes (assignment in range/with, `$` in a template
 * call, if/with scoping, methods with arguments, Go printing, parse-time function check) and the Sprig/Helm
 * function shims (helm-rendering.md §4).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError, createEngine, sprigDicts, sprigLists } from '@promptctl/go-template-js';
import { createTemplateEngine, parseTemplate } from '../../../core/collect/helm/template-engine.js';
import { helmFunctions } from '../../../core/collect/helm/template-functions.js';
import { formatGoFloat, goQuote, goValueString } from '../../../core/collect/helm/go-format.js';

const funcs = helmFunctions({
  include: (name) => `<include ${name}>`,
  tpl: (text, data) => parseTemplate(engine, funcs, text).evaluate(data).join(''),
});
const engine = createTemplateEngine(funcs);

function render(source: string, data: unknown = {}): string {
  return parseTemplate(engine, funcs, source).evaluate(data).join('');
}

// --- the engine fixes -------------------------------------------------------------------------------------------------

test('go-template-js 0.9 alone: `$x = …` inside range does not reach the outer $x (the bug being fixed)', () => {
  const plain = createEngine<string>({ fromString: (s) => s, funcs: { ...sprigLists(), ...sprigDicts() } });
  const src = '{{ $x := "outer" }}{{ range list 1 }}{{ $x = "inner" }}{{ end }}{{ $x }}';
  assert.equal(plain.parse(src).evaluate({}).join(''), 'outer');
  assert.equal(render(src), 'inner');
});

test('assignment: the nearest declaring scope is updated, in range and with; := still declares', () => {
  assert.equal(render('{{ $n := 0 }}{{ range list 1 2 3 }}{{ $n = add $n . }}{{ end }}{{ $n }}'), '6');
  assert.equal(render('{{ $v := "a" }}{{ with .x }}{{ $v = . }}{{ end }}{{ $v }}', { x: 'b' }), 'b');
  assert.equal(render('{{ $v := "a" }}{{ range list 1 }}{{ $v := "shadow" }}{{ end }}{{ $v }}'), 'a');
  // bitnami common.tplvalues.merge: a dict grown by `merge` in a range.
  const merge = '{{ $dst := dict }}{{ range .srcs }}{{ $dst = merge $dst . }}{{ end }}{{ toJson $dst }}';
  assert.equal(render(merge, { srcs: [{ a: 1 }, { b: 2 }] }), '{"a":1,"b":2}');
});

test('variables declared inside if/with end at {{end}}, as in Go', () => {
  assert.equal(render('{{ $y := "outer" }}{{ if true }}{{ $y := "inner" }}{{ end }}{{ $y }}'), 'outer');
});

test('{{template "t" .x}}: inside t, `$` is .x (Go), not the caller’s root', () => {
  assert.equal(render('{{ define "t" }}[{{ $ }}]{{ end }}{{ template "t" .a }}', { a: 'A' }), '[A]');
});

test('methods with arguments and piped arguments are called; getters act as niladic methods', () => {
  const data = {
    caps: { Has: (v: string) => v === 'apps/v1' },
    files: {
      get AsConfig() {
        return 'cfg';
      },
    },
  };
  assert.equal(render('{{ .caps.Has "apps/v1" }} {{ "x" | .caps.Has }} {{ .files.AsConfig }}', data), 'true false cfg');
});

test('Go printing: float64 e-notation from 1e6, maps and lists, nil as empty after Helm strips <no value>', () => {
  assert.equal(
    render('{{ .a }} {{ .b }} {{ .c }} {{ .d }}', { a: 20240101, b: 8080, c: 1e-5, d: 0.5 }),
    '2.0240101e+07 8080 1e-05 0.5',
  );
  assert.equal(render('{{ .m }} {{ .l }}', { m: { z: 1, a: { b: 'c' } }, l: [1, 'x'] }), 'map[a:map[b:c] z:1] [1 x]');
  assert.equal(render('{{ .missing }}'), '<no value>');
  assert.equal(formatGoFloat(1000000), '1e+06');
  assert.equal(formatGoFloat(123456), '123456');
  assert.equal(formatGoFloat(-1.5e-7), '-1.5e-07');
  assert.equal(goValueString(null), '<nil>');
  assert.equal(goQuote('a"b\n\u0001é'), '"a\\"b\\n\\x01é"');
});

test('an unknown function is a parse error even in a branch never taken (Go resolves names at parse)', () => {
  assert.throws(
    () => render('line 1\n{{ if false }}{{ env "HOME" }}{{ end }}'),
    (err: unknown) => err instanceof ParseError && err.pos.line === 2 && /"env" not defined/.test(err.message),
  );
  assert.throws(() => render('{{ expandenv "$HOME" }}'), ParseError);
});

// --- Sprig and Helm functions -------------------------------------------------------------------------------------------

test('lenient Sprig arguments: quote/squote/cat skip nil, math converts strings like cast.ToInt64', () => {
  assert.equal(
    render('[{{ .missing | quote }}] {{ quote "a" 1 }} {{ squote .n }} {{ cat "a" nil "b" }}', { n: 3 }),
    '[] "a" "1" \'3\' a b',
  );
  assert.equal(
    render('{{ add "1" 2 }} {{ sub 5 "2" }} {{ max 1 "7" 3 }} {{ div 7 2 }} {{ add1 .n }}', { n: 1 }),
    '3 3 7 3 2',
  );
});

test('nil passes as an empty map or list (Go), wrong types are still refused', () => {
  assert.equal(render('{{ hasKey .missing "k" }} {{ keys .missing | len }} {{ has "a" .missing }}'), 'false 0 false');
  assert.throws(() => render('{{ hasKey "text" "k" }}'), /hasKey/);
});

test('kindOf/typeOf use Go names (YAML numbers are float64)', () => {
  const data = { s: 's', n: 1, l: [1], m: {}, b: true };
  assert.equal(
    render('{{ kindOf .s }} {{ kindOf .n }} {{ kindOf .l }} {{ kindOf .m }} {{ kindOf .b }} {{ kindOf .x }}', data),
    'string float64 slice map bool invalid',
  );
  assert.equal(
    render('{{ typeOf .l }} {{ typeOf .m }} {{ typeIs "string" .s }} {{ kindIs "map" .m }}', data),
    '[]interface {} map[string]interface {} true true',
  );
});

test('RE2 spellings: (?i), (?P<name>), [[:digit:]], ${n} in replacements', () => {
  assert.equal(render('{{ regexMatch "(?i)^ABC" "abc" }}'), 'true');
  assert.equal(render('{{ regexReplaceAll "(?P<n>a)(b)" "xaby" "${n}-$2" }}'), 'xa-by');
  assert.equal(render('{{ regexFind "[[:digit:]]+" "ab12c" }}'), '12');
  assert.equal(render('{{ regexSplit "," "a,b,c" 2 | toJson }}'), '["a","b,c"]');
});

test('toYaml / toJson as Helm writes them: keys sorted, sequences flush, YAML 1.1 strings quoted, HTML escaped', () => {
  const v = { b: [1, 2], a: 'on', c: {}, d: 'x: y', e: null };
  assert.equal(render('{{ toYaml .v }}', { v }), 'a: "on"\nb:\n- 1\n- 2\nc: {}\nd: "x: y"\ne: null');
  assert.equal(render('{{ toJson .v }}', { v: { b: '<x>', a: 1 } }), '{"a":1,"b":"\\u003cx\\u003e"}');
  assert.equal(render('{{ toRawJson .v }}', { v: { b: '<x>' } }), '{"b":"<x>"}');
});

test('fromYaml / fromJson: a map, or a map with Error (Helm swallows the error)', () => {
  assert.equal(render('{{ (fromYaml "a: 1\\nb: [x]").b }}'), '[x]');
  assert.match(render('{{ (fromYaml "- 1").Error }}'), /not a map/);
  assert.equal(render('{{ fromYamlArray "- 1\\n- a" | toJson }}'), '[1,"a"]');
  assert.equal(render('{{ (fromJson "{\\"a\\": 2}").a }}'), '2');
  assert.match(render('{{ (fromJson "{").Error }}'), /JSON/);
});

test('required, fail and lookup', () => {
  assert.equal(render('{{ required "need x" .x }}', { x: 'ok' }), 'ok');
  assert.throws(() => render('{{ required "need x" .x }}'), /need x/);
  assert.throws(() => render('{{ required "need x" .x }}', { x: '' }), /need x/);
  assert.throws(() => render('{{ fail "boom" }}'), /boom/);
  assert.equal(render('{{ lookup "v1" "Secret" "ns" "n" | toJson }}'), '{}');
});

test('Masterminds semverCompare with prerelease-tolerant ranges', () => {
  assert.equal(
    render(
      '{{ semverCompare ">=1.19-0" "v1.20.0" }} {{ semverCompare "^1.2" "1.3.0" }} {{ semverCompare "<1.19" "1.20.0" }}',
    ),
    'true true false',
  );
});

test('Sprig functions go-template-js lacks: path helpers, must* variants, certificate stubs', () => {
  assert.equal(
    render('{{ base "/a/b.txt" }} {{ dir "/a/b.txt" }} {{ ext "a/b.tar.gz" }} {{ clean "a//b/../c/" }}'),
    'b.txt /a .gz a/c',
  );
  assert.equal(
    render('{{ mustFirst (list 1 2) }} {{ mustToJson (dict "a" 1) }} {{ mustRegexMatch "a" "a" }}'),
    '1 {"a":1} true',
  );
  assert.equal(render('{{ $ca := genCA "x" 365 }}{{ hasPrefix "-----BEGIN" $ca.Cert }}'), 'true');
});

test('tpl renders a string value as a template with the given context', () => {
  assert.equal(render('{{ tpl .t . }}', { t: '{{ .a }}-x', a: 'A' }), 'A-x');
});
