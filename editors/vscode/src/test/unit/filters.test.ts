import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFilters, requestLimit } from '../../core/filters';

test('buildFilters: only non-empty settings become filters', () => {
  assert.equal(buildFilters({}), undefined);
  assert.equal(buildFilters({ include: [' ', ''], exclude: [' '], languages: [], excludeTests: false }), undefined);
  assert.deepEqual(buildFilters({ include: ['src/**'], languages: ['python', ' go '], excludeTests: true }), {
    paths: ['src/**'],
    languages: ['python', 'go'],
    excludeTests: true,
  });
  assert.deepEqual(buildFilters({ kinds: ['function'] }), { kinds: ['function'] });
});

test('buildFilters: codesearch.exclude is sent to the daemon as filters.excludePaths', () => {
  assert.deepEqual(buildFilters({ exclude: ['vendor', ' **/gen/** ', ''] }), { excludePaths: ['vendor', '**/gen/**'] });
  assert.deepEqual(buildFilters({ include: ['src/**'], exclude: ['src/gen/**'] }), {
    paths: ['src/**'],
    excludePaths: ['src/gen/**'],
  });
});

test('requestLimit asks for exactly what is shown (no client-side filtering headroom)', () => {
  assert.equal(requestLimit(30), 30);
  assert.equal(requestLimit(7.9), 7);
  assert.equal(requestLimit(0), 1);
});
