import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IndexStatus } from '../../core/status';
import type { StatusResponse } from '../../core/protocol';

const status = (over: Partial<StatusResponse> = {}): StatusResponse => ({
  state: 'idle',
  files: 12,
  chunks: 340,
  pending: 0,
  model: { id: 'codesearch-small', dim: 256, device: 'cpu' },
  version: '0.1.0',
  ...over,
});

test('starting, then progress begin/report/end drive the text', () => {
  const s = new IndexStatus();
  assert.match(s.view().text, /starting/);
  s.onProgress({ kind: 'begin', title: 'Indexing', percentage: 0 });
  assert.equal(s.view().text, '$(sync~spin) codesearch: indexing 0%');
  s.onProgress({ kind: 'report', message: '40/100 files', percentage: 40.4 });
  assert.equal(s.view().text, '$(sync~spin) codesearch: indexing 40%');
  assert.match(s.view().tooltip, /40\/100 files/);
  s.onProgress({ kind: 'report', message: 'still going' });
  assert.match(s.view().text, /40%/, 'a report without percentage keeps the last one');
  s.onProgress({ kind: 'end' });
  s.onStatus(status());
  assert.equal(s.view().text, '$(search) codesearch: idle');
  assert.match(s.view().tooltip, /12 files, 340 chunks/);
  assert.equal(s.view().severity, 'normal');
});

test('status polling alone: indexing with pending count, idle clears stale progress', () => {
  const s = new IndexStatus();
  s.onStatus(status({ state: 'indexing', pending: 7 }));
  assert.equal(s.view().text, '$(sync~spin) codesearch: indexing (7 pending)');
  s.onProgress({ kind: 'begin', title: 'Indexing', percentage: 10 });
  s.onStatus(status({ state: 'idle' }));
  assert.equal(s.view().text, '$(search) codesearch: idle');
});

test('model missing is a warning; errors win until the next status', () => {
  const s = new IndexStatus();
  s.onStatus(status({ model: null, modelError: 'no such file' }));
  assert.equal(s.view().text, '$(warning) codesearch: idle (model missing)');
  assert.equal(s.view().severity, 'warning');
  assert.match(s.view().tooltip, /no such file/);
  s.onError('daemon stopped');
  assert.equal(s.view().severity, 'error');
  assert.match(s.view().tooltip, /daemon stopped/);
  s.onStatus(status());
  assert.equal(s.view().severity, 'normal');
});
