import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iconForKind, oneLine, relativePath, resultKey, toPickItem, toPickItems, uriToPath } from '../../core/items';
import type { SearchResult } from '../../core/protocol';

const result = (over: Partial<SearchResult> = {}): SearchResult => ({
  uri: 'file:///home/me/proj/src/net/retry.py',
  range: { start: { line: 41, character: 4 }, end: { line: 50, character: 0 } },
  name: 'fetch_with_retry',
  qualifiedName: 'HttpClient.fetch_with_retry',
  kind: 'method',
  language: 'python',
  score: 0.9,
  scores: { dense: 0.8, lexical: 0.4 },
  preview: '    def fetch_with_retry(self, url,\n            attempts=3):',
  ...over,
});

test('uriToPath decodes file URIs', () => {
  assert.equal(uriToPath('file:///home/me/a%20b/c.py'), '/home/me/a b/c.py');
  assert.equal(uriToPath('file:///c%3A/x/y.ts'), 'c:/x/y.ts');
  assert.equal(uriToPath('untitled:Untitled-1'), 'untitled:Untitled-1');
});

test('relativePath: single root, multi-root (folder-prefixed), nested roots, outside', () => {
  const one = [{ uri: 'file:///home/me/proj', name: 'proj' }];
  assert.equal(relativePath('file:///home/me/proj/src/a.py', one), 'src/a.py');
  assert.equal(relativePath('file:///home/me/project2/a.py', one), '/home/me/project2/a.py', 'prefix of another name is not a parent');
  const many = [
    { uri: 'file:///home/me/proj', name: 'proj' },
    { uri: 'file:///home/me/proj/libs/core/', name: 'core' },
  ];
  assert.equal(relativePath('file:///home/me/proj/libs/core/x.go', many), 'core/x.go', 'the innermost folder wins');
  assert.equal(relativePath('file:///home/me/proj/main.go', many), 'proj/main.go');
});

test('oneLine takes the first non-empty line, collapsed and truncated', () => {
  assert.equal(oneLine('\n\n   def  f(a,   b):\n  return'), 'def f(a, b):');
  assert.equal(oneLine(''), '');
  const long = oneLine('x'.repeat(300), 50);
  assert.equal(long.length, 50);
  assert.ok(long.endsWith('…'));
});

test('toPickItem: icon + qualified name, kind and path:line (1-based), one-line preview, alwaysShow', () => {
  const item = toPickItem(result(), [{ uri: 'file:///home/me/proj', name: 'proj' }]);
  assert.equal(item.label, '$(symbol-method) HttpClient.fetch_with_retry');
  assert.equal(item.description, 'method · src/net/retry.py:42');
  assert.equal(item.detail, 'def fetch_with_retry(self, url,');
  assert.equal(item.alwaysShow, true);
  assert.equal(item.result.uri, 'file:///home/me/proj/src/net/retry.py');
  const plain = toPickItem(result({ qualifiedName: 'fetch_with_retry', kind: 'function', name: 'fetch_with_retry' }), []);
  assert.equal(plain.label, '$(symbol-function) fetch_with_retry');
  assert.equal(plain.description, 'function · /home/me/proj/src/net/retry.py:42');
  const anon = toPickItem(result({ name: '', qualifiedName: '' }), []);
  assert.match(anon.label, /\(anonymous\)$/);
});

test('toPickItems keeps the daemon order and iconForKind falls back', () => {
  const items = toPickItems([result({ name: 'b', qualifiedName: 'b' }), result({ name: 'a', qualifiedName: 'a' })], []);
  assert.deepEqual(items.map((i) => i.label.split(' ')[1]), ['b', 'a']);
  assert.equal(iconForKind('class'), 'symbol-class');
  assert.equal(iconForKind('something-new'), 'symbol-misc');
});

test('similar items are not alwaysShow, so typing narrows the list; live items are', () => {
  const folders = [{ uri: 'file:///home/me/proj', name: 'proj' }];
  assert.ok(toPickItems([result()], folders, false).every((i) => i.alwaysShow === false));
  assert.ok(toPickItems([result()], folders).every((i) => i.alwaysShow === true));
  assert.equal(resultKey(result()), 'file:///home/me/proj/src/net/retry.py#41:4');
});
