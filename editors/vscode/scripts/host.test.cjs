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
const bin = [process.env.CODESEARCH_BIN, path.join(repo, 'build/cli/codesearch')].find((p) => p && fs.existsSync(p));
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

test('the extension bundle drives the daemon: status bar, live QuickPick search, preview, accept, exclude, history, toggles, results view, folders', { skip, timeout: 120000 }, async () => {
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
  const ws2 = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-vscode-host2-'));
  fs.mkdirSync(path.join(ws2, 'lib'));
  fs.writeFileSync(path.join(ws2, 'lib/semver.py'), "def parse_semantic_version(text):\n    return tuple(text.split('.'))\n");
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
  const memento = () => {
    const m = new Map();
    return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => { m.set(k, v); }, keys: () => [...m.keys()] };
  };
  const context = { subscriptions: [], extensionPath: root, extensionUri: vscode.Uri.file(root), globalState: memento(), workspaceState: memento() };
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
    assert.ok(!qp.items.some((i) => i.description.includes('vendor/')), 'codesearch.exclude applied (by the daemon)');
    assert.match(qp.title, /chunks in 4 files/);
    // The answer activated item 0 (as VS Code does): that opens no preview.
    await until(() => qp.activeChanges > 0, 2000, 'the automatic activation');
    await sleep(150);
    assert.equal(log.shownDocuments.length, 0, 'an answer opens no preview by itself');

    qp.moveTo(0);
    await until(() => log.shownDocuments.length > 0, 5000, 'preview');
    const preview = log.shownDocuments.at(-1);
    assert.equal(preview.uri, vscode.Uri.file(path.join(ws, 'net/retry.py')).toString());
    assert.equal(preview.options.preview, true);
    assert.equal(preview.options.preserveFocus, true);
    assert.equal(preview.options.selection.start.line, 3);

    // Another answer that still holds the active result keeps it active, without a new preview.
    const previews = log.shownDocuments.length;
    qp.moveTo(1);
    await until(() => log.shownDocuments.length > previews, 5000, 'preview of item 1');
    const activeLabel = qp.items[1].label;
    qp.type('retry http request backoff download');
    await until(() => qp.activeChanges > 1 && !qp.busy, 10000, 'the next answer');
    await sleep(150);
    assert.equal(qp.activeItems[0].label, activeLabel, 'the active item stays where the user left it');
    assert.equal(log.shownDocuments.length, previews + 1, 'no preview opened by the answer');

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

    // Escape closes the preview tabs the picker opened (and only those).
    const escDone = vscode.commands.executeCommand('codesearch.search');
    await until(() => log.quickPicks.length === 2, 5000, 'the second QuickPick');
    const ep = log.quickPicks[1];
    // Empty input: the recent queries (the accepted search is remembered).
    assert.match(ep.items[0]?.label ?? '', /^\$\(history\) slugify article title$/, JSON.stringify(ep.items));
    ep.type('download file with retries');
    await until(() => ep.items.length > 0 && !ep.busy && /download_file_with_retries/.test(ep.items[0].label), 10000, 'results');
    ep.moveTo(0);
    const downloadUri = vscode.Uri.file(path.join(ws, 'net/download.py')).toString();
    await until(() => log.shownDocuments.some((d) => d.uri === downloadUri), 5000, 'preview of download.py');
    ep.hide();
    await escDone;
    assert.deepEqual(log.closedTabs, [downloadUri], 'the preview tab the picker opened is closed');
    assert.ok(vscode.window.tabGroups.all[0].tabs.some((t) => t.input.uri.toString() === opened.uri), 'the opened file stays');

    // Mode and test toggles are buttons; the results button sends the answer to the results view.
    const rvDone = vscode.commands.executeCommand('codesearch.search', 'retry http request backoff');
    await until(() => log.quickPicks.length === 3 && log.quickPicks[2].items.length > 0 && !log.quickPicks[2].busy, 10000, 'third picker results');
    const rp = log.quickPicks[2];
    assert.deepEqual(rp.buttons.map((b) => b.id), ['mode', 'tests', 'results']);
    assert.match(rp.buttons[0].tooltip, /^Mode: lexical/);
    rp.press('mode'); // lexical -> hybrid: without a model, the daemon falls back to lexical and says so
    await until(() => /no model loaded/.test(rp.title), 10000, 'hybrid answer with the no-model warning: ' + rp.title);
    assert.match(rp.buttons[0].tooltip, /^Mode: hybrid/);
    rp.press('mode');
    rp.press('mode'); // back to lexical
    assert.match(rp.buttons[0].tooltip, /^Mode: lexical/);
    rp.press('tests');
    assert.match(rp.buttons[1].tooltip, /excluded/);
    rp.press('tests');
    await until(() => !rp.busy && rp.items.length > 0 && !/error/.test(rp.title), 10000, 'answer after the toggles');
    rp.press('results');
    await rvDone;
    assert.equal(rp.visible, false, 'the picker closed');
    const view = log.treeViews.find((v) => v.id === 'codesearch.results');
    assert.ok(view, 'results view created');
    const groups = view.provider.getChildren();
    assert.ok(groups.length >= 2, 'grouped by file');
    assert.equal(view.provider.getTreeItem(groups[0]).label, 'net/retry.py');
    const first = view.provider.getChildren(groups[0]);
    const item = view.provider.getTreeItem(first[0]);
    assert.equal(item.label, 'retry_http_request_with_backoff');
    assert.equal(item.command.command, 'vscode.open');
    assert.equal(item.command.arguments[1].selection.start.line, 3);
    assert.match(view.message, /^retry http request backoff — \d+ results? in \d+ files?$/);
    assert.ok(log.executed.includes('codesearch.results.focus'), 'the view is revealed');
    // The command sends a query's results there too.
    await vscode.commands.executeCommand('codesearch.showResults', 'slugify article title');
    assert.equal(view.provider.getTreeItem(view.provider.getChildren()[0]).label, 'web/strings.ts');

    // Find Similar Code at the cursor (inside retry_http_request_with_backoff).
    const retryUri = vscode.Uri.file(path.join(ws, 'net/retry.py'));
    vscode.window.activeTextEditor = {
      document: { uri: retryUri, languageId: 'python' },
      selection: new vscode.Selection(new vscode.Position(4, 8), new vscode.Position(4, 8)),
      viewColumn: 1,
    };
    const similarDone = vscode.commands.executeCommand('codesearch.similar');
    await until(() => log.quickPicks.length === 4 && log.quickPicks[3].items.length > 0, 10000, 'similar results');
    const sp = log.quickPicks[3];
    assert.match(sp.items[0].label, /download_file_with_retries/);
    assert.ok(sp.items.every((i) => i.alwaysShow === false), 'typing narrows the similar list');
    assert.equal(sp.matchOnDescription, true);
    assert.ok(!sp.items.some((i) => /retry_http_request_with_backoff/.test(i.label)), 'itself and the excluded vendor copy are absent');
    assert.match(sp.title, /^Similar code — /);
    sp.hide();
    await similarDone;

    await vscode.commands.executeCommand('codesearch.showStatus');
    assert.ok(log.messages.some(([k, m]) => k === 'info' && /idle, 4 files/.test(m)), JSON.stringify(log.messages));

    // The picker starts from the selection, or the word at the cursor.
    const text = 'def slugify_words(x):\n    return x\n';
    const doc = {
      uri: retryUri, languageId: 'python',
      getText: (r) => (r ? text.split('\n')[r.start.line].slice(r.start.character, r.end.character) : text),
      getWordRangeAtPosition: (p) => new vscode.Range(p.line, 4, p.line, 17),
    };
    vscode.window.activeTextEditor = { document: doc, selection: new vscode.Selection(new vscode.Position(0, 6), new vscode.Position(0, 6)), viewColumn: 1 };
    const seedDone = vscode.commands.executeCommand('codesearch.search');
    await until(() => log.quickPicks.length === 5, 5000, 'the seeded QuickPick');
    assert.equal(log.quickPicks[4].value, 'slugify_words', 'the word at the cursor');
    log.quickPicks[4].hide();
    await seedDone;
    vscode.window.activeTextEditor = { document: doc, selection: new vscode.Selection(new vscode.Position(0, 4), new vscode.Position(0, 11)), viewColumn: 1 };
    const selDone = vscode.commands.executeCommand('codesearch.search');
    await until(() => log.quickPicks.length === 6, 5000, 'the QuickPick seeded from the selection');
    assert.equal(log.quickPicks[5].value, 'slugify', 'the selection');
    log.quickPicks[5].hide();
    await selDone;
    vscode.window.activeTextEditor = undefined;

    // A workspace folder added while running reaches the daemon (workspace/didChangeWorkspaceFolders): no restart.
    log.changeFolders([ws, ws2]);
    const semverUri = vscode.Uri.file(path.join(ws2, 'lib/semver.py')).toString();
    const addDone = vscode.commands.executeCommand('codesearch.search', 'parse semantic version');
    await until(() => log.quickPicks.length === 7, 5000, 'the seventh QuickPick');
    const ap = log.quickPicks[6];
    const end = Date.now() + 20000;
    while (!(ap.items[0] && ap.items[0].result && ap.items[0].result.uri === semverUri)) {
      if (Date.now() > end) throw new Error('the added folder was not searched: ' + JSON.stringify(ap.items.map((i) => i.description)));
      await sleep(200);
      ap.type(ap.value === 'parse semantic version' ? 'parse semantic version ' : 'parse semantic version');
    }
    assert.match(ap.items[0].description, /^function · ws2-[^/]+\/lib\/semver\.py:1$|^function · [^ ]*lib\/semver\.py:1$/);
    ap.hide();
    await addDone;
  } finally {
    await ext.deactivate();
    for (const d of context.subscriptions) try { d.dispose(); } catch {}
    undo();
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(ws2, { recursive: true, force: true });
  }
});
