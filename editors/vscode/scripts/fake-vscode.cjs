// A recording stand-in for the parts of the `vscode` API that the extension
// and vscode-languageclient touch, enough to run the real bundle against the
// real daemon in plain Node. Unknown properties resolve to inert no-ops.
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');

class Disposable {
  constructor(fn) { this._fn = fn; }
  static from(...ds) { return new Disposable(() => ds.forEach((d) => d && d.dispose && d.dispose())); }
  dispose() { if (this._fn) this._fn(); this._fn = undefined; }
}
class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (fn, thisArg) => {
      const l = thisArg ? fn.bind(thisArg) : fn;
      this.listeners.push(l);
      return new Disposable(() => (this.listeners = this.listeners.filter((x) => x !== l)));
    };
  }
  fire(v) { for (const l of this.listeners.slice()) l(v); }
  dispose() { this.listeners = []; }
}
class Uri {
  constructor(scheme, p) { this.scheme = scheme; this.path = p; this.fsPath = p; this.authority = ''; this.query = ''; this.fragment = ''; }
  static file(p) { return new Uri('file', path.resolve(p)); }
  static parse(s) { return s.startsWith('file:') ? new Uri('file', fileURLToPath(s)) : new Uri(s.split(':')[0], s.slice(s.indexOf(':') + 1)); }
  toString() { return this.scheme === 'file' ? pathToFileURL(this.fsPath).toString() : `${this.scheme}:${this.path}`; }
  with(change) { return Object.assign(new Uri(this.scheme, this.path), change); }
  toJSON() { return { scheme: this.scheme, path: this.path, fsPath: this.fsPath }; }
}
class Position { constructor(line, character) { this.line = line; this.character = character; } }
class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') { this.start = new Position(a, b); this.end = new Position(c, d); } else { this.start = a; this.end = b; }
  }
  get isEmpty() { return this.start.line === this.end.line && this.start.character === this.end.character; }
}
class Selection extends Range { get active() { return this.end; } get anchor() { return this.start; } }
class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this._emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() { if (!this.token.isCancellationRequested) { this.token.isCancellationRequested = true; this._emitter.fire(); } }
  dispose() {}
}

function inert() {
  return new Proxy(function () {}, {
    get: (t, p) => (p === Symbol.toPrimitive ? () => '' : p === 'then' ? undefined : p === Symbol.iterator ? [][Symbol.iterator] : inert()),
    apply: () => inert(),
    construct: () => inert(),
  });
}

class ThemeIcon { constructor(id) { this.id = id; } }
ThemeIcon.File = new ThemeIcon('file');
class TreeItem { constructor(label, collapsibleState) { this.label = label; this.collapsibleState = collapsibleState; } }

function createFakeVscode({ folders = [], settings = {} } = {}) {
  const log = {
    commands: new Map(), quickPicks: [], shownDocuments: [], messages: [], statusItems: [], output: [],
    closedTabs: [], treeViews: [], executed: [],
  };
  const event = () => new EventEmitter().event;
  const foldersChanged = new EventEmitter();
  // Fires workspace.onDidChangeWorkspaceFolders as VS Code does after a folder is added or removed.
  log.changeFolders = (paths) => {
    const before = vscode.workspace.workspaceFolders;
    const after = paths.map((p, index) => ({ uri: Uri.file(p), name: path.basename(p), index }));
    vscode.workspace.workspaceFolders = after;
    const has = (list, f) => list.some((x) => x.uri.fsPath === f.uri.fsPath);
    foldersChanged.fire({ added: after.filter((f) => !has(before, f)), removed: before.filter((f) => !has(after, f)) });
  };
  // One editor group: a preview tab (replaced by the next preview) and permanent tabs.
  const group = { isActive: true, viewColumn: 1, tabs: [] };
  const showInTabs = (uri, preview) => {
    const key = uri.toString();
    const existing = group.tabs.find((t) => t.input.uri.toString() === key);
    if (existing) { if (!preview) existing.isPreview = false; return; }
    if (preview) group.tabs = group.tabs.filter((t) => !t.isPreview);
    group.tabs.push({ label: path.basename(uri.fsPath), input: { uri }, isPreview: !!preview, isDirty: false, group });
  };
  const outputChannel = (name) => {
    const ch = { name, logLevel: 2, onDidChangeLogLevel: event(), show() {}, hide() {}, dispose() {}, clear() {}, replace() {} };
    for (const m of ['append', 'appendLine', 'trace', 'debug', 'info', 'warn', 'error']) ch[m] = (s) => log.output.push(`[${m}] ${s}`);
    return ch;
  };
  const createQuickPick = () => {
    const changeValue = new EventEmitter(), accept = new EventEmitter(), hide = new EventEmitter(), changeActive = new EventEmitter();
    const triggerButton = new EventEmitter();
    let items = [];
    const qp = {
      activeItems: [], selectedItems: [], value: '', busy: false, title: '', placeholder: '', buttons: [],
      matchOnDescription: undefined, matchOnDetail: undefined, visible: false, activeChanges: 0,
      onDidChangeValue: changeValue.event, onDidAccept: accept.event, onDidHide: hide.event,
      onDidChangeActive: changeActive.event, onDidChangeSelection: event(), onDidTriggerButton: triggerButton.event, onDidTriggerItemButton: event(),
      show() { this.visible = true; },
      hide() { if (this.visible) { this.visible = false; hide.fire(); } },
      dispose() {},
      // Test drivers: what a user does.
      type(text) { this.value = text; changeValue.fire(text); },
      moveTo(i) { this.activeItems = [this.items[i]]; changeActive.fire(this.activeItems); },
      accept(i) { this.activeItems = [this.items[i]]; this.selectedItems = [this.items[i]]; accept.fire(); },
      press(id) { triggerButton.fire(this.buttons.find((b) => b.id === id)); },
    };
    // As VS Code: new items activate the first one (or the one the extension sets
    // right after), and that fires onDidChangeActive a moment later.
    Object.defineProperty(qp, 'items', {
      get: () => items,
      set: (v) => {
        items = v;
        qp.activeItems = v.length ? [v[0]] : [];
        setTimeout(() => { if (qp.activeItems.length) { qp.activeChanges++; changeActive.fire(qp.activeItems); } }, 0);
      },
    });
    log.quickPicks.push(qp);
    return qp;
  };
  const vscode = {
    version: '1.95.0',
    env: { appName: 'Visual Studio Code', language: 'en', machineId: 'test', sessionId: 'test', uiKind: 1, appRoot: '/tmp' },
    Uri, Position, Range, Selection, Disposable, EventEmitter, CancellationTokenSource, ThemeIcon, TreeItem,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ThemeColor: class { constructor(id) { this.id = id; } },
    TextEditorRevealType: { Default: 0, InCenter: 1, InCenterIfOutsideViewport: 2, AtTop: 3 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    window: {
      createOutputChannel: outputChannel,
      createStatusBarItem: (id) => {
        // Records every text it showed (`texts`), to check transitions.
        let text = '';
        const s = { id, texts: [], show() { this.shown = true; }, hide() {}, dispose() {} };
        Object.defineProperty(s, 'text', { get: () => text, set: (v) => { text = v; s.texts.push(v); } });
        log.statusItems.push(s);
        return s;
      },
      createQuickPick,
      showTextDocument: async (doc, options) => {
        const uri = doc && doc.uri && !(doc instanceof Uri) ? doc.uri : doc;
        log.shownDocuments.push({ uri: uri.toString(), options });
        showInTabs(uri, options && options.preview);
        return { document: { uri }, selection: options && options.selection, revealRange() {} };
      },
      createTreeView: (id, options) => {
        const view = { id, provider: options.treeDataProvider, message: '', title: '', description: '', dispose() {} };
        log.treeViews.push(view);
        return view;
      },
      showErrorMessage: async (m) => { log.messages.push(['error', m]); },
      showWarningMessage: async (m) => { log.messages.push(['warning', m]); },
      showInformationMessage: async (m) => { log.messages.push(['info', m]); },
      withProgress: async (_o, task) => task({ report() {} }, new CancellationTokenSource().token),
      activeTextEditor: undefined,
      visibleTextEditors: [],
      onDidChangeActiveTextEditor: event(),
      onDidChangeVisibleTextEditors: event(),
      onDidChangeWindowState: event(),
      state: { focused: true },
      tabGroups: {
        get all() { return [group]; },
        close: async (tabs) => {
          for (const t of [].concat(tabs)) {
            log.closedTabs.push(t.input.uri.toString());
            group.tabs = group.tabs.filter((x) => x !== t);
          }
          return true;
        },
        onDidChangeTabs: event(), onDidChangeTabGroups: event(),
      },
    },
    commands: {
      registerCommand: (id, fn) => { log.commands.set(id, fn); return new Disposable(() => log.commands.delete(id)); },
      executeCommand: async (id, ...args) => { log.executed.push(id); return log.commands.has(id) ? log.commands.get(id)(...args) : undefined; },
    },
    workspace: {
      workspaceFolders: folders.map((p, index) => ({ uri: Uri.file(p), name: path.basename(p), index })),
      name: 'test',
      textDocuments: [],
      notebookDocuments: [],
      getConfiguration: (section) => ({
        get: (key, def) => {
          const full = section ? `${section}.${key}` : key;
          return Object.prototype.hasOwnProperty.call(settings, full) ? settings[full] : def;
        },
        has: () => false, inspect: () => undefined, update: async () => undefined,
      }),
      getWorkspaceFolder: (uri) => vscode.workspace.workspaceFolders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
      onDidChangeConfiguration: event(), onDidChangeWorkspaceFolders: foldersChanged.event, onDidOpenTextDocument: event(),
      onDidCloseTextDocument: event(), onDidChangeTextDocument: event(), onDidSaveTextDocument: event(),
      onWillSaveTextDocument: event(), onDidOpenNotebookDocument: event(), onDidCloseNotebookDocument: event(),
      onDidChangeNotebookDocument: event(), onDidSaveNotebookDocument: event(),
      onDidCreateFiles: event(), onDidDeleteFiles: event(), onDidRenameFiles: event(),
      onWillCreateFiles: event(), onWillDeleteFiles: event(), onWillRenameFiles: event(),
      createFileSystemWatcher: () => ({ onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {} }),
      fs: inert(),
    },
    languages: { match: () => 0, getLanguages: async () => [] },
  };
  return { vscode: new Proxy(vscode, { get: (t, p) => (p in t ? t[p] : inert()) }), log };
}

/** Makes require('vscode') return `vscode` (idempotent; returns an undo function). */
function installVscode(vscode) {
  const Module = require('node:module');
  const realLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    return realLoad.call(this, request, parent, isMain);
  };
  return () => { Module._load = realLoad; };
}

module.exports = { createFakeVscode, installVscode };
