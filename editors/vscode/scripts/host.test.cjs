// Runs the real extension bundle (dist/extension.js) against the real daemon,
// with scripts/fake-vscode.cjs standing in for VS Code's API: activation
// starts `codesearch serve` through vscode-languageclient, the status bar
// follows the index, and "Search Code…" drives a QuickPick as a user would
// (type, move, accept). Skips without a daemon or a bundle.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createFakeVscode, installVscode } = require('./fake-vscode.cjs');

const root = path.resolve(__dirname, '..');
const repo = path.resolve(root, '../..');
const bundle = path.join(root, 'dist', 'extension.js');
const bin = [process.env.CODESEARCH_BIN, path.join(repo, 'build/server/codesearch')].find((p) => p && fs.existsSync(p));
const skip = !fs.existsSync(bundle) ? 'no dist/extension.js (npm run build)' :
  !bin ? (process.env.CODESEARCH_REQUIRE === '1' ? false : 'codesearch daemon not found (CODESEARCH_BIN)') : false;
if (skip) console.log(`# SKIP extension host test: ${skip}`);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(pred, ms, what) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('the extension bundle drives the daemon: status bar, live QuickPick search, preview, accept, exclude', { skip, timeout: 120000 }, async () => {
  assert.ok(bin, 'daemon binary');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-vscode-host-'));
  const files = {
    'net/retry.py': 'import time\n\n\ndef retry_http_request_with_backoff(url, attempts=5):\n    for attempt in range(attempts):\n        time.sleep(2 ** attempt)\n',
    'net/download.py': 'import time\n\n\ndef download_file_with_retries(url, attempts=3):\n    for attempt in range(attempts):\n        time.sleep(2 ** attempt)\n',
    'vendor/retry_copy.py': 'def retry_http_request_with_backoff_vendored(url):\n    return url\n',
    'web/strings.ts': 'export function slugifyArticleTitle(title: string): string {\n  return title.toLowerCase();\n}\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, rel), text);
  }
  const { vscode, log } = createFakeVscode({
    folders: [ws],
    settings: {
      'codesearch.serverPath': bin,
      'codesearch.serverArgs': ['--no-model', '--no-cache', '--index-threads', '1'],
      'codesearch.mode': 'lexical',
      'codesearch.debounceMs': 30,
      'codesearch.maxResults': 5,
      'codesearch.exclude': ['vendor'],
    },
  });
  const undo = installVscode(vscode);
  const ext = require(bundle);
  const context = { subscriptions: [], extensionPath: root, extensionUri: vscode.Uri.file(root), globalState: { get() {}, update: async () => {} }, workspaceState: { get() {}, update: async () => {} } };
  try {
    await ext.activate(context);
    const status = log.statusItems[0];
    await until(() => /idle/.test(status.text || ''), 20000, 'status bar: idle (' + status.text + ')\n' + log.output.join('\n') + JSON.stringify(log.messages));
    assert.equal(status.text, '$(warning) codesearch: idle (model missing)');
    assert.match(status.tooltip, /4 files/);
    // The daemon's "Indexing" $/progress (the percentage only comes from there) reached the status bar (through the
    // extension's own window/workDoneProgress/create handler).
    assert.ok(status.texts.some((t) => /^\$\(sync~spin\) codesearch: indexing \d+%$/.test(t)), JSON.stringify(status.texts));

    // Search Code…: type, results arrive, move (preview), accept (open).
    const done = vscode.commands.executeCommand('codesearch.search');
    await until(() => log.quickPicks.length === 1, 5000, 'the QuickPick');
    const qp = log.quickPicks[0];
    assert.equal(qp.matchOnDescription, false);
    assert.equal(qp.matchOnDetail, false);
    qp.type('retry http request backoff');
    await until(() => qp.items.length > 0, 10000, 'results');
    assert.match(qp.items[0].label, /^\$\(symbol-function\) retry_http_request_with_backoff$/);
    assert.equal(qp.items[0].description, 'function · net/retry.py:4');
    assert.match(qp.items[0].detail, /^def retry_http_request_with_backoff\(url, attempts=5\)/);
    assert.ok(qp.items.every((i) => i.alwaysShow === true), 'alwaysShow on every item');
    assert.ok(!qp.items.some((i) => i.description.includes('vendor/')), 'codesearch.exclude applied');
    assert.match(qp.title, /chunks in 4 files/);

    qp.moveTo(0);
    await until(() => log.shownDocuments.length > 0, 5000, 'preview');
    const preview = log.shownDocuments.at(-1);
    assert.equal(preview.uri, vscode.Uri.file(path.join(ws, 'net/retry.py')).toString());
    assert.equal(preview.options.preview, true);
    assert.equal(preview.options.preserveFocus, true);
    assert.equal(preview.options.selection.start.line, 3);

    // Fast typing: only the last text's answer is shown.
    qp.type('s');
    qp.type('sl');
    qp.type('slugify article title');
    await until(() => qp.items[0] && /slugifyArticleTitle/.test(qp.items[0].label), 10000, 'results for the last text');
    await sleep(300);
    assert.match(qp.items[0].label, /slugifyArticleTitle/, 'no stale answer replaced it');

    qp.accept(0);
    await done;
    const opened = log.shownDocuments.at(-1);
    assert.equal(opened.uri, vscode.Uri.file(path.join(ws, 'web/strings.ts')).toString());
    assert.equal(opened.options.preview, false);
    assert.equal(opened.options.preserveFocus, false);

    // Find Similar Code at the cursor (inside retry_http_request_with_backoff).
    const retryUri = vscode.Uri.file(path.join(ws, 'net/retry.py'));
    vscode.window.activeTextEditor = {
      document: { uri: retryUri, languageId: 'python' },
      selection: new vscode.Selection(new vscode.Position(4, 8), new vscode.Position(4, 8)),
      viewColumn: 1,
    };
    const similarDone = vscode.commands.executeCommand('codesearch.similar');
    await until(() => log.quickPicks.length === 2 && log.quickPicks[1].items.length > 0, 10000, 'similar results');
    const sp = log.quickPicks[1];
    assert.match(sp.items[0].label, /download_file_with_retries/);
    assert.ok(!sp.items.some((i) => /retry_http_request_with_backoff/.test(i.label)), 'itself and the excluded vendor copy are absent');
    assert.match(sp.title, /^Similar code — /);
    sp.hide();
    await similarDone;

    await vscode.commands.executeCommand('codesearch.showStatus');
    assert.ok(log.messages.some(([k, m]) => k === 'info' && /idle, 4 files/.test(m)), JSON.stringify(log.messages));
  } finally {
    await ext.deactivate();
    for (const d of context.subscriptions) try { d.dispose(); } catch {}
    undo();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
