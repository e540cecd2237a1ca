// A minimal LSP client for the integration test: spawns `codesearch serve`,
// reads frames with vscode-jsonrpc's StreamMessageReader and writes raw
// Content-Length frames itself, so a test can put several messages in ONE
// write (e.g. a request and its $/cancelRequest) and control ordering exactly.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StreamMessageReader, type Message } from 'vscode-jsonrpc/node';

export interface RpcError { code: number; message: string; data?: unknown }
export interface ResponseMessage { jsonrpc: '2.0'; id: number | string | null; result?: unknown; error?: RpcError }
interface AnyMessage { jsonrpc: '2.0'; id?: number | string | null; method?: string; params?: unknown; result?: unknown; error?: RpcError }

export class LspPeer {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly notifications: { method: string; params: any; at: number }[] = [];
  readonly serverRequests: { method: string; params: any; at: number }[] = [];
  readonly stderr: string[] = [];
  private nextId = 1;
  private pending = new Map<string, (m: ResponseMessage) => void>();
  private listeners: (() => void)[] = [];
  private exited: Promise<number | null>;

  constructor(bin: string, args: string[], cwd: string) {
    this.proc = spawn(bin, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d: string) => this.stderr.push(d));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    const reader = new StreamMessageReader(this.proc.stdout);
    reader.listen((m: Message) => this.onMessage(m as unknown as AnyMessage));
  }

  private onMessage(m: AnyMessage): void {
    const now = Date.now();
    if (m.method !== undefined && m.id !== undefined && m.id !== null) {
      // A request from the server: answer it as VS Code would.
      this.serverRequests.push({ method: m.method, params: m.params, at: now });
      let result: unknown = null;
      if (m.method === 'workspace/configuration') {
        result = ((m.params as { items?: unknown[] })?.items ?? []).map(() => null);
      }
      this.write([{ jsonrpc: '2.0', id: m.id, result }]);
    } else if (m.method !== undefined) {
      this.notifications.push({ method: m.method, params: m.params, at: now });
    } else {
      const cb = this.pending.get(JSON.stringify(m.id));
      if (cb) {
        this.pending.delete(JSON.stringify(m.id));
        cb(m as ResponseMessage);
      }
    }
    for (const l of this.listeners.slice()) l();
  }

  /** Writes all messages as consecutive frames in a single write(). */
  write(messages: object[]): void {
    const buf = Buffer.concat(
      messages.map((msg) => {
        const body = Buffer.from(JSON.stringify(msg), 'utf8');
        return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
      }),
    );
    this.proc.stdin.write(buf);
  }

  /** A request message (not yet sent) and the promise of its response. */
  prepare(method: string, params: unknown, id: number | string = this.nextId++): { message: object; response: Promise<ResponseMessage>; id: number | string } {
    const response = new Promise<ResponseMessage>((resolve) => this.pending.set(JSON.stringify(id), resolve));
    return { message: { jsonrpc: '2.0', id, method, params }, response, id };
  }

  async request<T = any>(method: string, params: unknown, timeoutMs = 30000): Promise<T> {
    const r = await this.requestRaw(method, params, timeoutMs);
    if (r.error) throw Object.assign(new Error(`${method}: ${r.error.message} (${r.error.code})`), { code: r.error.code });
    return r.result as T;
  }

  async requestRaw(method: string, params: unknown, timeoutMs = 30000): Promise<ResponseMessage> {
    const { message, response } = this.prepare(method, params);
    this.write([message]);
    return withTimeout(response, timeoutMs, `${method} timed out`);
  }

  notify(method: string, params: unknown): void {
    this.write([{ jsonrpc: '2.0', method, params }]);
  }

  /** Resolves once `pred()` is true, re-checked on every incoming message and every 100 ms. */
  async waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (pred()) return;
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => {
          if (pred()) {
            this.listeners = this.listeners.filter((l) => l !== check);
            clearInterval(timer);
            resolve();
          }
        };
        const timer = setInterval(check, 100);
        this.listeners.push(check);
      }),
      timeoutMs,
      `timed out waiting for ${what}`,
    );
  }

  async shutdown(): Promise<number | null> {
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch {
      /* fall through to kill */
    }
    const code = await Promise.race([this.exited, delay(5000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      this.proc.kill('SIGKILL');
      return null;
    }
    return code;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

/** The capabilities VS Code 1.9x (vscode-languageclient 11) sends in `initialize`, abridged. */
export function vscodeClientCapabilities(): object {
  return {
    workspace: {
      applyEdit: true,
      workspaceEdit: { documentChanges: true },
      didChangeConfiguration: { dynamicRegistration: true },
      didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
      symbol: { dynamicRegistration: true },
      executeCommand: { dynamicRegistration: true },
      configuration: true,
      workspaceFolders: true,
    },
    textDocument: {
      synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
      hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    },
    window: {
      showMessage: { messageActionItem: { additionalPropertiesSupport: true } },
      showDocument: { support: true },
      workDoneProgress: true,
    },
    general: {
      staleRequestSupport: { cancel: true, retryOnContentModified: [] },
      regularExpressions: { engine: 'ECMAScript', version: 'ES2020' },
      markdown: { parser: 'marked', version: '1.1.0' },
      positionEncodings: ['utf-16'],
    },
  };
}
