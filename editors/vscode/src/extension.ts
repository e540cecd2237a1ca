// VS Code client for the codesearch daemon. One daemon (one LanguageClient)
// serves every folder of the window: it is started with all workspace folders
// in `initialize` (multi-root aware; the daemon indexes each root) and stopped
// with the window. Ranking and indexing live in the daemon; this extension
// only presents results.
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
import { applyExclude, buildFilters, requestLimit } from './core/filters';
import { relativePath } from './core/items';
import { LiveQuery } from './core/liveQuery';
import { Methods, RequestCancelled, type SearchResponse, type StatusResponse, type SimilarParams, type WorkDoneProgressValue } from './core/protocol';
import { IndexStatus } from './core/status';
import { createResultPicker, toItems, workspaceFolderInfo } from './picker';

/** Languages the daemon's grammars understand: their open buffers are synced. */
const LANGUAGES = [
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'go', 'java', 'rust',
  'c', 'cpp', 'csharp', 'ruby', 'php', 'shellscript',
  'kotlin', 'scala', 'swift', 'lua', 'elixir', 'haskell', 'zig',
];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
const indexStatus = new IndexStatus();
let pollTimer: ReturnType<typeof setTimeout> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Code Search', { log: true });
  statusItem = vscode.window.createStatusBarItem('codesearch.status', vscode.StatusBarAlignment.Left, 10);
  statusItem.name = 'Code Search';
  statusItem.command = 'codesearch.showStatus';
  context.subscriptions.push(output, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('codesearch.search', (initial?: string) => searchCommand(initial)),
    vscode.commands.registerCommand('codesearch.similar', () => similarCommand()),
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

function finish(response: SearchResponse, settings: Settings) {
  const folders = workspaceFolderInfo();
  const results = applyExclude(response.results, settings.exclude, (uri) => relativePath(uri, folders), settings.maxResults);
  return toItems(results);
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
  const { picker, done } = createResultPicker({
    title: 'Code Search',
    placeholder: 'Describe the code you are looking for ("retry an http request with backoff")',
    live: true,
  });
  const filters = buildFilters(settings);
  const live = new LiveQuery<CancellationToken, SearchResponse>({
    debounceMs: settings.debounceMs,
    createCancelSource: () => new CancellationTokenSource(),
    // A cancelled token makes vscode-languageclient send $/cancelRequest for this request.
    run: (query, token) =>
      c.sendRequest<SearchResponse>(
        Methods.query,
        { query, limit: requestLimit(settings.maxResults, settings.exclude), mode: settings.mode, filters },
        token,
      ),
    isEmpty: (q) => q.trim().length === 0,
    onEmpty: () => {
      picker.items = [];
      picker.title = 'Code Search';
    },
    onBusy: (busy) => (picker.busy = busy),
    onResult: (response) => {
      picker.items = finish(response, settings);
      picker.title = `Code Search — ${indexNote(response)}`;
    },
    onError: (error) => {
      const code = (error as { code?: number }).code;
      if (code === RequestCancelled) return;
      picker.items = [];
      picker.title = `Code Search — error: ${(error as Error).message ?? error}`;
    },
  });
  picker.onDidChangeValue((value) => live.update(value));
  picker.onDidHide(() => live.dispose());
  picker.show();
  if (initial) {
    picker.value = initial;
    live.flush(initial);
  }
  await done;
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
    limit: requestLimit(settings.maxResults, settings.exclude),
    filters: buildFilters(settings),
  };
  if (sel.isEmpty) params.position = { line: sel.active.line, character: sel.active.character };
  else params.range = { start: { line: sel.start.line, character: sel.start.character }, end: { line: sel.end.line, character: sel.end.character } };

  const { picker, done } = createResultPicker({
    title: 'Similar code',
    placeholder: 'Code similar to the ' + (sel.isEmpty ? 'function at the cursor' : 'selection') + ' (type to narrow)',
    live: false,
  });
  picker.busy = true;
  picker.show();
  const source = new CancellationTokenSource();
  picker.onDidHide(() => source.cancel());
  try {
    const response = await c.sendRequest<SearchResponse>(Methods.similar, params, source.token);
    picker.items = finish(response, settings);
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
