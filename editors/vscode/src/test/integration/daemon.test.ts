// Integration test: the real `codesearch serve` daemon over stdio, driven the
// way the VS Code extension drives it (same client capabilities, same
// requests). Skips when the binary is missing: set CODESEARCH_BIN or build
// build/cli/codesearch.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspPeer, vscodeClientCapabilities, delay } from './lspPeer';
import { Methods, RequestCancelled, type SearchResponse, type StatusResponse } from '../../core/protocol';
import { LiveQuery } from '../../core/liveQuery';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';

const repoRoot = path.resolve(__dirname, '../../../../..');
const candidates = [process.env.CODESEARCH_BIN, path.join(repoRoot, 'build/cli/codesearch')].filter(
  (p): p is string => !!p,
);
const bin = candidates.find((p) => fs.existsSync(p));
const missing = `codesearch daemon not found (set CODESEARCH_BIN or build ${path.join(repoRoot, 'build/cli/codesearch')})`;
// CODESEARCH_REQUIRE=1 (editors/run-tests.sh with CODESEARCH_BIN set): a missing daemon is a failure, not a skip.
const skip = bin || process.env.CODESEARCH_REQUIRE === '1' ? false : missing;
if (skip) console.log(`# SKIP integration tests: ${skip}`);
if (!bin && !skip) {
  test('the daemon binary exists', () => assert.fail(missing));
}

// Semantic ranking needs the model; by default the test runs the daemon with
// --no-model and queries in lexical mode, which is deterministic and fast.
const useModel = process.env.CODESEARCH_TEST_MODEL === '1';
const mode = useModel ? 'hybrid' : 'lexical';

const FILES: Record<string, string> = {
  'net/retry.py': `import time
import urllib.request


def retry_http_request_with_backoff(url, attempts=5, base_delay=0.5):
    """Fetch a URL, retrying failed http requests with exponential backoff."""
    for attempt in range(attempts):
        try:
            return urllib.request.urlopen(url).read()
        except OSError:
            time.sleep(base_delay * (2 ** attempt))
    raise RuntimeError("gave up after retries")
`,
  'auth/tokens.py': `import hmac
import hashlib


def validate_signed_token(token, secret):
    """Check a signed session token's HMAC signature."""
    payload, _, signature = token.rpartition(".")
    expected = hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class SessionStore:
    def __init__(self):
        self.sessions = {}

    def lookup_session(self, session_id):
        return self.sessions.get(session_id)
`,
  'web/src/cart.ts': `export interface LineItem { price: number; quantity: number }

export function computeShoppingCartTotal(items: LineItem[], taxRate: number): number {
  const subtotal = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return subtotal * (1 + taxRate);
}

export class InvoiceFormatter {
  formatCurrencyAmount(amount: number, currency: string): string {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  }
}
`,
  'web/src/strings.ts': `export function slugifyArticleTitle(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
`,
};

function uriOf(root: string, rel: string): string {
  return pathToFileURL(path.join(root, rel)).toString();
}

async function query(peer: LspPeer, q: string, extra: object = {}): Promise<SearchResponse> {
  return peer.request<SearchResponse>(Methods.query, { query: q, limit: 10, mode, ...extra });
}

async function pollUntil<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 800)}`);
    await delay(150);
    last = await fn();
  }
  return last;
}

describe('codesearch daemon over stdio (as the VS Code client)', { skip: skip || !bin }, () => {
  let root: string;
  let peer: LspPeer;
  let init: any;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-vscode-it-'));
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    const args = ['serve', '--no-cache', '--index-threads', '1', ...(useModel ? [] : ['--no-model'])];
    peer = new LspPeer(bin!, args, root);
    init = await peer.request('initialize', {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.95.0' },
      rootUri: pathToFileURL(root).toString(),
      workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: path.basename(root) }],
      capabilities: vscodeClientCapabilities(),
      trace: 'off',
    });
    peer.notify('initialized', {});
  });

  after(async () => {
    if (peer) {
      const code = await peer.shutdown();
      if (code !== 0) console.log(`# daemon exit code ${code}; stderr:\n${peer.stderr.join('').slice(-2000)}`);
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('initialize advertises the codeSearch extension and incremental sync', () => {
    const caps = init.capabilities;
    assert.deepEqual(caps.experimental?.codeSearch, { version: 1, query: true, similar: true, status: true });
    const sync = caps.textDocumentSync;
    assert.equal(typeof sync === 'number' ? sync : sync.change, 2, 'incremental sync');
    if (typeof sync === 'object') assert.equal(sync.openClose, true);
    assert.equal(caps.positionEncoding ?? 'utf-16', 'utf-16');
  });

  test('background indexing reports work-done progress and reaches idle', async () => {
    await peer.waitFor(
      () => peer.notifications.some((n) => n.method === '$/progress' && n.params?.value?.kind === 'end'),
      60000,
      '$/progress end',
    );
    const create = peer.serverRequests.find((r) => r.method === 'window/workDoneProgress/create');
    assert.ok(create, 'server asked to create a progress token');
    const progress = peer.notifications.filter((n) => n.method === '$/progress' && n.params.token === create.params.token);
    assert.ok(progress.length >= 2, 'begin and end on the created token');
    assert.equal(progress[0].params.value.kind, 'begin');
    assert.equal(progress[0].params.value.title, 'Indexing');
    assert.equal(progress.at(-1)!.params.value.kind, 'end');
    assert.ok(progress[0].at >= create.at, 'progress comes after the create request');
    for (const p of progress.filter((n) => n.params.value.kind === 'report' && n.params.value.percentage !== undefined)) {
      assert.ok(p.params.value.percentage >= 0 && p.params.value.percentage <= 100);
    }
    const status = await pollUntil(
      () => peer.request<StatusResponse>(Methods.status, {}),
      (s) => s.state === 'idle',
      30000,
      'status idle',
    );
    assert.equal(status.files, Object.keys(FILES).length);
    assert.ok(status.chunks >= 6, `chunks: ${status.chunks}`);
    assert.equal(status.pending, 0);
    assert.equal(typeof status.version, 'string');
    if (!useModel) assert.equal(status.model, null);
  });

  test('a distinctive query ranks the right function first', async () => {
    const r = await query(peer, 'retry http request with exponential backoff');
    assert.ok(r.results.length > 0);
    const top = r.results[0];
    assert.equal(top.name, 'retry_http_request_with_backoff');
    assert.equal(top.uri, uriOf(root, 'net/retry.py'));
    assert.equal(top.range.start.line, 4);
    assert.equal(top.language, 'python');
    assert.equal(top.kind, 'function');
    assert.match(top.preview, /def retry_http_request_with_backoff/);
    assert.equal(typeof top.score, 'number');
    assert.ok('dense' in top.scores && 'lexical' in top.scores);
    assert.equal(r.index.complete, true);
    assert.equal(r.index.files, Object.keys(FILES).length);

    const cart = await query(peer, 'shopping cart total with tax');
    assert.equal(cart.results[0].name, 'computeShoppingCartTotal');
    assert.equal(cart.results[0].language, 'typescript');

    const method = await query(peer, 'format currency amount');
    assert.equal(method.results[0].name, 'formatCurrencyAmount');
    assert.match(method.results[0].qualifiedName, /InvoiceFormatter/);
  });

  test('filters and limit are honoured', async () => {
    const py = await query(peer, 'token session url title cart', { limit: 20, filters: { languages: ['python'] } });
    assert.ok(py.results.length > 0);
    assert.ok(py.results.every((r) => r.language === 'python'), JSON.stringify(py.results.map((r) => r.uri)));
    const web = await query(peer, 'token session url title cart', { limit: 20, filters: { paths: ['web/**'] } });
    assert.ok(web.results.length > 0);
    assert.ok(web.results.every((r) => r.uri.includes('/web/')));
    const one = await query(peer, 'token session url title cart', { limit: 1 });
    assert.equal(one.results.length, 1);
  });

  test('codeSearch/similar excludes the function it starts from', async () => {
    const r = await peer.request<SearchResponse>(Methods.similar, {
      textDocument: { uri: uriOf(root, 'auth/tokens.py') },
      position: { line: 6, character: 8 },
      limit: 5,
    });
    assert.ok(Array.isArray(r.results));
    assert.ok(!r.results.some((x) => x.name === 'validate_signed_token'), 'the query function itself is excluded');
  });

  test('a cancelled request is answered with RequestCancelled (-32800)', async () => {
    // Pipeline 20 queries and cancel the last 10 in the SAME write: the daemon
    // reads the whole buffer before running queued requests, so those
    // cancellations arrive before the requests start, deterministically.
    const reqs = Array.from({ length: 20 }, (_, i) =>
      peer.prepare(Methods.query, { query: `retry backoff token cart ${i}`, limit: 5, mode }, `cancel-${i}`),
    );
    const cancels = reqs.slice(10).map((r) => ({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: r.id } }));
    peer.write([...reqs.map((r) => r.message), ...cancels]);
    const answers = await Promise.all(reqs.map((r) => r.response));
    for (const a of answers.slice(0, 10)) assert.ok(a.result, `uncancelled request answered: ${JSON.stringify(a.error)}`);
    const cancelled = answers.slice(10).filter((a) => a.error?.code === RequestCancelled);
    assert.ok(cancelled.length >= 1, 'at least one -32800');
    for (const a of answers.slice(10)) assert.ok(a.error?.code === RequestCancelled || a.result, 'cancelled or finished first');

    // And the racy, real-life case: cancel right after sending (separate writes).
    const late = peer.prepare(Methods.query, { query: 'validate token', limit: 5, mode });
    peer.write([late.message]);
    peer.write([{ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: late.id } }]);
    const lateAnswer = await late.response;
    assert.ok(lateAnswer.error?.code === RequestCancelled || Array.isArray((lateAnswer.result as SearchResponse)?.results));
    // The daemon still answers normally afterwards.
    assert.equal((await query(peer, 'slugify article title')).results[0].name, 'slugifyArticleTitle');
  });

  test('the extension\'s LiveQuery cancels superseded requests and shows only the latest answer', async () => {
    // Same sequencing code as the QuickPick, wired to the daemon: keystrokes
    // faster than the debounce send one request; a request superseded while
    // in flight is cancelled and its answer never shown.
    const shown: { query: string; names: string[] }[] = [];
    let inFlightSends = 0;
    const live = new LiveQuery<import('vscode-jsonrpc').CancellationToken, SearchResponse>({
      debounceMs: 30,
      createCancelSource: () => new CancellationTokenSource(),
      run: async (q, token) => {
        inFlightSends++;
        const p = peer.prepare(Methods.query, { query: q, limit: 3, mode });
        const sub = token.onCancellationRequested(() =>
          peer.write([{ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: p.id } }]),
        );
        peer.write([p.message]);
        const r = await p.response;
        sub.dispose();
        if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
        return r.result as SearchResponse;
      },
      onResult: (r, q) => shown.push({ query: q, names: r.results.map((x) => x.name) }),
    });
    for (const prefix of ['s', 'sl', 'slu', 'slug', 'slugify']) live.update(prefix);
    await delay(20);
    live.update('slugify article title'); // typed while nothing was sent yet: still debounced
    await delay(5);
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (shown.length > 0) {
          clearInterval(t);
          resolve();
        }
      }, 20);
      setTimeout(() => reject(new Error('no answer shown')), 10000);
    });
    await delay(200);
    live.dispose();
    assert.equal(inFlightSends, 1, 'debounce collapsed the keystrokes into one request');
    assert.equal(shown.length, 1);
    assert.equal(shown[0].query, 'slugify article title');
    assert.equal(shown[0].names[0], 'slugifyArticleTitle');
  });

  test('incremental document sync: unsaved edits are searchable, removals disappear', async () => {
    const rel = 'web/src/geometry.ts';
    const uri = uriOf(root, rel);
    const initial = 'export const ORIGIN = { x: 0, y: 0 };\n';
    peer.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: initial } });
    const fn =
      'export function normalizeQuaternionRotation(q: number[]): number[] {\n' +
      '  const len = Math.hypot(...q);\n' +
      '  return q.map((c) => c / len);\n' +
      '}\n';
    // Range edit: insert the function at the start of line 1 (after the constant).
    peer.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: fn }],
    });
    const found = await pollUntil(
      () => query(peer, 'normalize quaternion rotation'),
      (r) => r.results[0]?.name === 'normalizeQuaternionRotation',
      20000,
      'the added function to be found',
    );
    assert.equal(found.results[0].uri, uri);
    assert.equal(found.results[0].range.start.line, 1);
    assert.ok(!fs.existsSync(path.join(root, rel)), 'never written to disk: the unsaved buffer was indexed');

    // Rename inside the function with a small range edit (line 1, the name).
    const nameStart = 'export function '.length;
    peer.notify('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [
        {
          range: { start: { line: 1, character: nameStart }, end: { line: 1, character: nameStart + 'normalizeQuaternionRotation'.length } },
          text: 'scaleVectorToUnitLength',
        },
      ],
    });
    await pollUntil(
      () => query(peer, 'scale vector to unit length'),
      (r) => r.results[0]?.name === 'scaleVectorToUnitLength',
      20000,
      'the renamed function',
    );
    // Remove the function again (lines 1..4).
    peer.notify('textDocument/didChange', {
      textDocument: { uri, version: 4 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 5, character: 0 } }, text: '' }],
    });
    await pollUntil(
      () => query(peer, 'scale vector to unit length normalize quaternion rotation'),
      (r) => !r.results.some((x) => x.uri === uri && /scaleVector|normalizeQuaternion/.test(x.name)),
      20000,
      'the removed function to disappear',
    );
    peer.notify('textDocument/didClose', { textDocument: { uri } });
  });

  test('unsaved text of an open file replaces its on-disk content', async () => {
    const uri = uriOf(root, 'web/src/strings.ts');
    const text = 'export function kebabCaseHeadline(title: string): string {\n  return title.trim();\n}\n';
    peer.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    await pollUntil(
      () => query(peer, 'kebab case headline slugify article title'),
      (r) => r.results[0]?.name === 'kebabCaseHeadline' && !r.results.some((x) => x.name === 'slugifyArticleTitle'),
      20000,
      'the buffer to replace the file',
    );
    peer.notify('textDocument/didClose', { textDocument: { uri } });
  });

  test('unknown methods fail with MethodNotFound (-32601)', async () => {
    const r = await peer.requestRaw('codeSearch/doesNotExist', {});
    assert.equal(r.error?.code, -32601);
  });
});

describe('codesearch daemon before initialize', { skip: skip || !bin }, () => {
  test('requests before initialize fail with ServerNotInitialized (-32002)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-vscode-it-'));
    const peer = new LspPeer(bin!, ['serve', '--no-cache', '--no-model'], dir);
    try {
      const r = await peer.requestRaw(Methods.status, {});
      assert.equal(r.error?.code, -32002);
    } finally {
      peer.proc.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
