import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyExclude, buildFilters, globMatches, isExcluded, requestLimit } from '../../core/filters';
import type { SearchResult } from '../../core/protocol';

test('buildFilters: only non-empty settings become filters', () => {
  assert.equal(buildFilters({}), undefined);
  assert.equal(buildFilters({ include: [' ', ''], languages: [], excludeTests: false }), undefined);
  assert.deepEqual(buildFilters({ include: ['src/**'], languages: ['python', ' go '], excludeTests: true, exclude: ['x'] }), {
    paths: ['src/**'],
    languages: ['python', 'go'],
    excludeTests: true,
  });
  assert.deepEqual(buildFilters({ kinds: ['function'] }), { kinds: ['function'] });
});

test('requestLimit asks for headroom only when client-side excludes apply', () => {
  assert.equal(requestLimit(30, []), 30);
  assert.equal(requestLimit(30, undefined), 30);
  assert.equal(requestLimit(30, ['vendor/']), 70);
  assert.equal(requestLimit(400, ['vendor/']), 500);
  assert.equal(requestLimit(0, []), 1);
});

test('globMatches: unanchored patterns match any path component', () => {
  assert.ok(globMatches('vendor', 'a/vendor/b.py'));
  assert.ok(globMatches('*.min.js', 'web/app.min.js'));
  assert.ok(!globMatches('*.min.js', 'web/app.js'));
  assert.ok(globMatches('node_modules/', 'x/node_modules/y/z.js'));
  assert.ok(!globMatches('node_modules/', 'x/node_modules'), 'dir-only pattern does not match a file');
  assert.ok(globMatches('test_?.py', 'tests/test_a.py'));
  assert.ok(globMatches('[ab].py', 'x/a.py'));
  assert.ok(!globMatches('[ab].py', 'x/c.py'));
});

test('globMatches: anchored patterns match from the start, ** spans directories', () => {
  assert.ok(globMatches('src/**', 'src/a/b/c.ts'));
  assert.ok(globMatches('src/**/*.ts', 'src/c.ts'));
  assert.ok(globMatches('src/**/*.ts', 'src/a/b/c.ts'));
  assert.ok(!globMatches('src/**/*.ts', 'lib/src/c.ts'));
  assert.ok(globMatches('/gen/*.py', 'gen/x.py'));
  assert.ok(!globMatches('gen/*.py', 'gen/sub/x.py'));
  assert.ok(globMatches('gen/sub', 'gen/sub/x.py'), 'a directory prefix excludes its contents');
  assert.ok(globMatches('**/fixtures/**', 'a/b/fixtures/c/d.py'));
  assert.ok(globMatches('a.b/*.c', 'a.b/x.c'));
  assert.ok(!globMatches('a.b/*.c', 'aXb/x.c'), 'dots are literal');
  assert.ok(!globMatches('', 'x'));
});

test('applyExclude drops excluded paths, keeps order, then truncates', () => {
  const mk = (p: string): SearchResult => ({
    uri: `file:///w/${p}`,
    range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } },
    name: p,
    qualifiedName: p,
    kind: 'function',
    language: 'python',
    score: 1,
    scores: { dense: null, lexical: 1 },
    preview: '',
  });
  const results = ['a.py', 'vendor/b.py', 'c.py', 'gen/d.py', 'e.py'].map(mk);
  const rel = (uri: string) => uri.replace('file:///w/', '');
  assert.deepEqual(applyExclude(results, ['vendor', 'gen/**'], rel, 2).map((r) => r.name), ['a.py', 'c.py']);
  assert.deepEqual(applyExclude(results, [], rel, 10).map((r) => r.name), results.map((r) => r.name));
  assert.ok(isExcluded('x/vendor/y.py', ['vendor']));
  assert.ok(!isExcluded('x/vendors/y.py', ['vendor']));
});
