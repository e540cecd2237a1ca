// The picker's pure parts: active-item stability, query history, results grouping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActiveItemTracker } from '../../core/activeItem';
import { addToHistory } from '../../core/history';
import { groupByFile } from '../../core/resultsTree';
import type { SearchResult } from '../../core/protocol';

test('ActiveItemTracker: VS Code activating the first item after an answer is not a user move', () => {
  let now = 0;
  const t = new ActiveItemTracker(() => now, 500);
  assert.equal(t.onItems(['a', 'b', 'c']), undefined, 'nothing active yet: VS Code picks the first');
  assert.equal(t.onActive('a'), false, 'the automatic activation opens no preview');
  assert.equal(t.onActive('b'), true, 'the user moved: preview');
  now += 100;
  // The next answer still holds b: it stays active, and its automatic activation is not previewed again.
  assert.equal(t.onItems(['c', 'b', 'd']), 1);
  assert.equal(t.onActive('b'), false);
  assert.equal(t.active, 'b');
  // b is gone: the first item is activated by VS Code; b is remembered and comes back when it reappears.
  assert.equal(t.onItems(['x', 'y']), undefined);
  assert.equal(t.onActive('x'), false);
  assert.equal(t.onItems(['y', 'b']), 1);
  // Long after an answer, a move to the first item is the user's.
  now += 1000;
  assert.equal(t.onActive('y'), true);
  // Only the first event after an answer is taken for VS Code's.
  t.onItems(['p', 'q']);
  assert.equal(t.onActive('p'), false);
  assert.equal(t.onActive('q'), true);
  assert.equal(t.onActive('p'), true, 'moving back to the first item previews it');
  assert.equal(t.onActive(undefined), false);
});

test('addToHistory: newest first, no duplicates, bounded, blank ignored', () => {
  assert.deepEqual(addToHistory([], ' retry backoff '), ['retry backoff']);
  assert.deepEqual(addToHistory(['a', 'b', 'c'], 'b'), ['b', 'a', 'c']);
  assert.deepEqual(addToHistory(['a', 'b'], '  '), ['a', 'b']);
  assert.deepEqual(addToHistory(['a', 'b', 'c'], 'd', 3), ['d', 'a', 'b']);
});

test('groupByFile: files in the order of their best result, results in rank order', () => {
  const r = (file: string, line: number): SearchResult => ({
    uri: `file:///w/${file}`,
    range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } },
    name: `${file}:${line}`,
    qualifiedName: '',
    kind: 'function',
    language: 'python',
    score: 1,
    scores: { dense: null, lexical: 1 },
    preview: '',
  });
  const set = groupByFile('retry', [r('b.py', 9), r('a.py', 1), r('b.py', 2)], [{ uri: 'file:///w', name: 'w' }]);
  assert.equal(set.title, 'retry');
  assert.equal(set.total, 3);
  assert.deepEqual(set.groups.map((g) => g.label), ['b.py', 'a.py']);
  assert.deepEqual(set.groups[0].results.map((x) => x.range.start.line), [9, 2]);
});
