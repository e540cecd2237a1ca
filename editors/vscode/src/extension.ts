// VS Code client for the codesearch daemon. One daemon (one LanguageClient)
// serves every folder of the window: it is started with all workspace folders
// in `initialize` (multi-root aware; the daemon indexes each root; folders
// added or removed later reach it as workspace/didChangeWorkspaceFolders) and
// stopped with the window. The extension activates lazily: on its first
// command, or when the first file of a supported language opens. Ranking,
// filtering and indexing live in the daemon; this extension only presents results.
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  CancellationTokenSource,
  type CancellationToken,
  State,
} from 'vscode-languageclient/node';
import { readSettings, type Settings } from './config';
import { buildFilters, requestLimit } from './core/filters';
import { addToHistory } from './core/history';
import { LiveQuery } from './core/liveQuery';
import { Methods, RequestCancelled, type SearchMode, type SearchResponse, type SearchResult, type StatusResponse, type SimilarParams, type WorkDoneProgressValue } from './core/protocol';
import { IndexStatus } from './core/status';
import { createResultPicker, toItems, type ResultItem } from './picker';
import { ResultsView } from './resultsView';

/** Languages the daemon's grammars understand: their open buffers are synced (and opening one activates the extension). */
export const LANGUAGES = [
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'go', 'java', 'rust',
  'c', 'cpp', 'csharp', 'ruby', 'php', 'shellscript',
  'kotlin', 'scala', 'swift', 'lua', 'elixir', 'haskell', 'zig',
];

const HISTORY_KEY = 'codesearch.queryHistory';
const MODES: SearchMode[] = ['hybrid', 'semantic', 'lexical'];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
const indexStatus = new IndexStatus();
let pollTimer: ReturnType<typeof setTimeout> | undefined;
let resultsView: ResultsView | undefined;
let extensionContext: vscode.ExtensionContext | undefined;
/** The last answer shown in a picker, for "Show Results in View". */
let lastAnswer: { title: string; results: SearchResult[] } | undefined;
/** The picker's toggles (this window's session; the settings are the defaults). */
const toggles: { mode?: SearchMode; excludeTests?: boolean } = {};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Code Search', { log: true });
  statusItem = vscode.window.createStatusBarItem('codesearch.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'Code Search';
  statusItem.command = 'codesearch.showStatus';
  context.subscriptions.push(output, statusItem);

  extensionContext = context;
  resultsView = new ResultsView();
  context.subscriptions.push(resultsView);

  context.subscriptions.push(
    vscode.commands.registerCommand('codesearch.search', (initial?: string) => searchCommand(initial)),
    vscode.commands.registerCommand('codesearch.similar', () => similarCommand()),
    vscode.commands.registerCommand('codesearch.showResults', (query?: string) => showResultsCommand(query)),
    vscode.commands.registerCommand('codesearch.clearResults', () => resultsView?.clear()),
    vscode.commands.registerCommand('codesearch.clearHistory', () => context.workspaceState.update(HISTORY_KEY, [])),
    vscode.commands.registerCommand('codesearch.showStatus', () => showStatusCommand()),
    vscode.commands.registerCommand('codesearch.restart', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('codesearch.serverPath') || e.affectsConfiguration('codesearch.serverArgs')) {
        await stopClient();
        await startClient(context);
      }
    }),
    { dispose: () => pollTimer && clearTimeout(pollTimer) },
  );
  renderStatus();
  statusItem.show();
  if ((vscode.workspace.workspaceFolders ?? []).length > 0) await startClient(context);
  else {
    indexStatus.onError('no workspace folder open');
    renderStatus();
  }
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const settings = readSettings();
  const serverOptions: ServerOptions = {
    command: settings.serverPath,
    args: ['serve', ...settings.serverArgs],
    // No `transport`: with TransportKind.stdio vscode-languageclient appends
    // `--stdio` to the arguments, which `codesearch serve` rejects; without it
    // the client talks over the child's stdin/stdout all the same.
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    outputChannel: output,
    // Trace level comes from the `codesearch.trace.server` setting (client id 'codesearch').
    traceOutputChannel: output,
    initializationFailedHandler: (error) => {
      indexStatus.onError(`daemon failed to initialize: ${error}`);
      renderStatus();
      return false;
    },
  };
  client = new LanguageClient('codesearch', 'Code Search', serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Stopped) {
      indexStatus.onError('daemon stopped');
      renderStatus();
    }
  });
  try {
    await client.start();
  } catch (error) {
    indexStatus.onError(`cannot start '${settings.serverPath}': ${error}`);
    renderStatus();
    void vscode.window.showErrorMessage(
      `Code Search: cannot start the daemon '${settings.serverPath}' (set codesearch.serverPath). ${error}`,
    );
    client = undefined;
    return;
  }
  const started = client;
  // Our own handler for progress creation (replacing the library's default):
  // the daemon's "Indexing" progress drives the status bar item.
  started.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
    started.onProgress(WorkDoneProgress.type, params.token, (value) => {
      indexStatus.onProgress(value as WorkDoneProgressValue);
      renderStatus();
      if (value.kind === 'end') schedulePoll(0);
    });
  });
  schedulePoll(0);
  context.subscriptions.push({ dispose: () => void stopClient() });
}

async function stopClient(): Promise<void> {
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = undefined;
  const c = client;
  client = undefined;
  if (c) await c.stop().then(undefined, () => undefined);
}

function schedulePoll(delayMs: number): void {
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    pollTimer = undefined;
    const c = client;
    if (!c || !c.isRunning()) return;
    try {
      const status = await c.sendRequest<StatusResponse>(Methods.status, {});
      indexStatus.onStatus(status);
      renderStatus();
      schedulePoll(status.state === 'indexing' ? 1000 : 10000);
    } catch (error) {
      indexStatus.onError(`status request failed: ${error}`);
      renderStatus();
      schedulePoll(10000);
    }
  }, delayMs);
}

function renderStatus(): void {
  const v = indexStatus.view();
  statusItem.text = v.text;
  statusItem.tooltip = v.tooltip + '\n(click for details)';
  statusItem.backgroundColor =
    v.severity === 'error'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : v.severity === 'warning'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
}

async function showStatusCommand(): Promise<void> {
  const c = client;
  if (!c || !c.isRunning()) {
    void vscode.window.showWarningMessage(`Code Search: the daemon is not running. ${indexStatus.view().tooltip}`);
    return;
  }
  try {
    const status = await c.sendRequest<StatusResponse>(Methods.status, {});
    indexStatus.onStatus(status);
    renderStatus();
    output.appendLine(`codeSearch/status ${new Date().toISOString()}`);
    output.appendLine(JSON.stringify(status, null, 2));
    output.show(true);
    const model = status.model ? `model ${status.model.id} (${status.model.device})` : 'no model (lexical only)';
    void vscode.window.showInformationMessage(
      `Code Search ${status.version}: ${status.state}, ${status.files} files, ${status.chunks} chunks, ${status.pending} pending, ${model}.`,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Code Search: status request failed: ${error}`);
  }
}

function requireClient(): LanguageClient | undefined {
  if (client && client.isRunning()) return client;
  void vscode.window.showErrorMessage('Code Search: the daemon is not running (see the "Code Search" output).');
  return undefined;
}

function history(): string[] {
  return extensionContext?.workspaceState.get<string[]>(HISTORY_KEY, []) ?? [];
}

function remember(query: string): void {
  if (!extensionContext) return;
  void extensionContext.workspaceState.update(HISTORY_KEY, addToHistory(history(), query));
}

function historyItems(): ResultItem[] {
  return history().map((q) => ({ label: `$(history) ${q}`, description: 'recent query', alwaysShow: true, historyQuery: q }));
}

/** The text to start a search with: the selection (one line), else the word at the cursor. */
function seedText(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !editor.document || typeof editor.document.getText !== 'function') return undefined;
  const sel = editor.selection;
  if (sel && !sel.isEmpty) {
    const text = editor.document.getText(sel).trim();
    return text.length > 0 && !text.includes('\n') && text.length <= 200 ? text : undefined;
  }
  const word = sel && editor.document.getWordRangeAtPosition?.(sel.active);
  return word ? editor.document.getText(word) : undefined;
}

function modeButton(mode: SearchMode): vscode.QuickInputButton & { id: string } {
  const icon = mode === 'hybrid' ? 'combine' : mode === 'semantic' ? 'lightbulb' : 'whole-word';
  return { id: 'mode', iconPath: new vscode.ThemeIcon(icon), tooltip: `Mode: ${mode} (click for ${MODES[(MODES.indexOf(mode) + 1) % MODES.length]})` };
}

function testsButton(excludeTests: boolean): vscode.QuickInputButton & { id: string } {
  return {
    id: 'tests',
    iconPath: new vscode.ThemeIcon(excludeTests ? 'beaker-stop' : 'beaker'),
    tooltip: excludeTests ? 'Test code: excluded (click to include)' : 'Test code: included (click to exclude)',
  };
}

function resultsButton(): vscode.QuickInputButton & { id: string } {
  return { id: 'results', iconPath: new vscode.ThemeIcon('list-tree'), tooltip: 'Show these results in the Code Search Results view' };
}

function effective(settings: Settings): { mode: SearchMode; excludeTests: boolean } {
  return { mode: toggles.mode ?? settings.mode, excludeTests: toggles.excludeTests ?? settings.excludeTests ?? false };
}

function indexNote(response: SearchResponse): string {
  const i = response.index;
  const parts = [`${i.chunks} chunks in ${i.files} files`];
  if (!i.complete) parts.push(`indexing, ${i.pending} pending — results may be incomplete`);
  if (response.warning) parts.push(response.warning);
  return parts.join(' · ');
}

async function searchCommand(initial?: string): Promise<void> {
  const c = requireClient();
  if (!c) return;
  const settings = readSettings();
  let current: { query: string; results: SearchResult[] } | undefined;
  const { picker, done, setItems } = createResultPicker({
    title: 'Code Search',
    placeholder: 'Describe the code you are looking for ("retry an http request with backoff")',
    live: true,
    onHistory: (query) => {
      picker.value = query;
      live.flush(query);
    },
    onAccept: () => current && remember(current.query),
  });
  const renderButtons = () => {
    const e = effective(settings);
    picker.buttons = [modeButton(e.mode), testsButton(e.excludeTests), resultsButton()];
  };
  renderButtons();
  const live = new LiveQuery<CancellationToken, SearchResponse>({
    debounceMs: settings.debounceMs,
    createCancelSource: () => new CancellationTokenSource(),
    // A cancelled token makes vscode-languageclient send $/cancelRequest for this request.
    run: (query, token) => {
      const e = effective(settings);
      return c.sendRequest<SearchResponse>(
        Methods.query,
        { query, limit: requestLimit(settings.maxResults), mode: e.mode, filters: buildFilters({ ...settings, excludeTests: e.excludeTests }) },
        token,
      );
    },
    isEmpty: (q) => q.trim().length === 0,
    onEmpty: () => {
      current = undefined;
      setItems(historyItems());
      picker.title = 'Code Search';
    },
    onBusy: (busy) => (picker.busy = busy),
    onResult: (response, query) => {
      current = { query, results: response.results };
      lastAnswer = { title: query, results: response.results };
      setItems(toItems(response.results, true));
      picker.title = `Code Search — ${indexNote(response)}`;
    },
    onError: (error) => {
      const code = (error as { code?: number }).code;
      if (code === RequestCancelled) return;
      setItems([]);
      picker.title = `Code Search — error: ${(error as Error).message ?? error}`;
    },
  });
  picker.onDidChangeValue((value) => live.update(value));
  picker.onDidTriggerButton(async (button) => {
    const id = (button as { id?: string }).id;
    if (id === 'mode') {
      const e = effective(settings);
      toggles.mode = MODES[(MODES.indexOf(e.mode) + 1) % MODES.length];
    } else if (id === 'tests') {
      toggles.excludeTests = !effective(settings).excludeTests;
    } else if (id === 'results') {
      if (current) {
        remember(current.query);
        const sent = current;
        picker.hide();
        await resultsView?.show(sent.query, sent.results);
      }
      return;
    }
    renderButtons();
    if (picker.value.trim().length > 0) live.flush(picker.value);
  });
  picker.onDidHide(() => live.dispose());
  setItems(historyItems());
  picker.show();
  const seed = initial ?? seedText();
  if (seed) {
    picker.value = seed;
    live.flush(seed);
  }
  await done;
}

async function showResultsCommand(query?: string): Promise<void> {
  if (typeof query === 'string' && query.trim().length > 0) {
    const c = requireClient();
    if (!c) return;
    const settings = readSettings();
    const e = effective(settings);
    try {
      const response = await c.sendRequest<SearchResponse>(Methods.query, {
        query,
        limit: requestLimit(settings.maxResults),
        mode: e.mode,
        filters: buildFilters({ ...settings, excludeTests: e.excludeTests }),
      });
      remember(query);
      lastAnswer = { title: query, results: response.results };
    } catch (error) {
      void vscode.window.showErrorMessage(`Code Search: query failed: ${(error as Error).message ?? error}`);
      return;
    }
  }
  if (!lastAnswer) {
    void vscode.window.showInformationMessage('Code Search: no results yet — run "Code Search: Search Code…" first.');
    return;
  }
  await resultsView?.show(lastAnswer.title, lastAnswer.results);
}

async function similarCommand(): Promise<void> {
  const c = requireClient();
  if (!c) return;
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Code Search: open a file and put the cursor in a function.');
    return;
  }
  const settings = readSettings();
  const sel = editor.selection;
  const params: SimilarParams = {
    textDocument: { uri: c.code2ProtocolConverter.asUri(editor.document.uri) },
    limit: requestLimit(settings.maxResults),
    filters: buildFilters({ ...settings, excludeTests: effective(settings).excludeTests }),
  };
  if (sel.isEmpty) params.position = { line: sel.active.line, character: sel.active.character };
  else params.range = { start: { line: sel.start.line, character: sel.start.character }, end: { line: sel.end.line, character: sel.end.character } };
  const base = editor.document.uri.path.split('/').pop() ?? 'file';
  const title = `similar to ${base}:${sel.active.line + 1}`;

  const { picker, done, setItems } = createResultPicker({
    title: 'Similar code',
    placeholder: 'Code similar to the ' + (sel.isEmpty ? 'function at the cursor' : 'selection') + ' (type to narrow)',
    live: false,
  });
  let answer: SearchResult[] | undefined;
  picker.buttons = [resultsButton()];
  picker.onDidTriggerButton(async (button) => {
    if ((button as { id?: string }).id !== 'results' || !answer) return;
    const sent = answer;
    picker.hide();
    await resultsView?.show(title, sent);
  });
  picker.busy = true;
  picker.show();
  const source = new CancellationTokenSource();
  picker.onDidHide(() => source.cancel());
  try {
    const response = await c.sendRequest<SearchResponse>(Methods.similar, params, source.token);
    answer = response.results;
    lastAnswer = { title, results: response.results };
    setItems(toItems(response.results, false));
    picker.title = `Similar code — ${indexNote(response)}`;
    if (picker.items.length === 0) picker.placeholder = 'No similar code found';
  } catch (error) {
    if ((error as { code?: number }).code !== RequestCancelled) {
      picker.title = `Similar code — error: ${(error as Error).message ?? error}`;
    }
  } finally {
    picker.busy = false;
    source.dispose();
  }
  await done;
}
