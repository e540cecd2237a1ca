// Loads the shipped bundle (dist/extension.js) in plain Node with a recording
// stand-in for the `vscode` module, and activates it with no workspace folder:
// checks that the bundle loads, registers exactly the contributed commands,
// shows the status bar item, and deactivates cleanly. (VS Code itself cannot
// run here; the daemon-facing paths are covered by the integration tests.)
const Module = require('node:module');
const path = require('node:path');
const assert = require('node:assert/strict');

const bundle = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'extension.js'));
const pkg = require(path.join(__dirname, '..', 'package.json'));
const registered = [];
const statusItems = [];
const disposable = () => ({ dispose() {} });
const event = () => () => disposable();
// Any API the code touches but we do not model: a constructible, callable no-op.
const anything = () =>
  new Proxy(function () {}, {
    get: (t, p) => (p === Symbol.toPrimitive ? () => '' : p === 'then' ? undefined : anything()),
    apply: () => anything(),
    construct: () => anything(),
  });
const vscode = {
  StatusBarAlignment: { Left: 1, Right: 2 },
  ThemeColor: class { constructor(id) { this.id = id; } },
  ThemeIcon: class { constructor(id) { this.id = id; } },
  Disposable: class { constructor(fn) { this.dispose = fn; } static from() { return disposable(); } },
  EventEmitter: class { constructor() { this.event = event(); } fire() {} dispose() {} },
  window: {
    createOutputChannel: (name) => ({ name, appendLine() {}, append() {}, show() {}, dispose() {}, info() {}, warn() {}, error() {}, trace() {}, debug() {}, onDidChangeLogLevel: event() }),
    createStatusBarItem: (id) => {
      const item = { id, shown: false, show() { this.shown = true; }, hide() { this.shown = false; }, dispose() {} };
      statusItems.push(item);
      return item;
    },
    createTreeView: (id) => ({ id, message: '', title: '', dispose() {} }),
    showErrorMessage: async () => undefined,
    showWarningMessage: async () => undefined,
    showInformationMessage: async () => undefined,
  },
  commands: { registerCommand: (id) => { registered.push(id); return disposable(); } },
  workspace: {
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: (_k, d) => d }),
    onDidChangeConfiguration: event(),
  },
};
const realLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return new Proxy(vscode, { get: (t, p) => (p in t ? t[p] : anything()) });
  return realLoad.call(this, request, parent, isMain);
};

(async () => {
  const ext = require(bundle);
  assert.equal(typeof ext.activate, 'function', 'activate exported');
  assert.equal(typeof ext.deactivate, 'function', 'deactivate exported');
  const context = { subscriptions: [] };
  await ext.activate(context);
  const contributed = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(registered.slice().sort(), contributed, 'registered commands');
  assert.equal(statusItems.length, 1, 'one status bar item');
  assert.ok(statusItems[0].shown, 'status bar item shown');
  assert.equal(statusItems[0].command, 'codesearch.showStatus', 'click shows status');
  assert.match(statusItems[0].text, /codesearch/, 'status text');
  assert.match(statusItems[0].tooltip, /no workspace folder/, 'no folder: says so');
  await ext.deactivate();
  for (const d of context.subscriptions) d.dispose?.();
  console.log(`bundle smoke test: ok (${registered.length} commands, status "${statusItems[0].text}")`);
})().catch((e) => {
  console.error('bundle smoke test failed:', e);
  process.exit(1);
});
