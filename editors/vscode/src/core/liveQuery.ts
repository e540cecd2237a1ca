// Query-as-you-type sequencing with no `vscode` import: debounce keystrokes,
// cancel the request a newer one supersedes (the CancellationToken makes
// vscode-languageclient send `$/cancelRequest`), and drop stale answers by
// sequence number, so only the answer to the latest text is ever shown.

export interface CancelSource<T> {
  readonly token: T;
  cancel(): void;
  dispose(): void;
}

export interface LiveQueryOptions<Token, R> {
  debounceMs: number;
  /** Sends the request; must honour `token` (reject or resolve once cancelled). */
  run: (query: string, token: Token, seq: number) => Promise<R>;
  createCancelSource: () => CancelSource<Token>;
  /** The answer to the latest query (never a superseded one). */
  onResult: (result: R, query: string, seq: number) => void;
  /** A failure of the latest query (cancellations of superseded ones are not reported). */
  onError?: (error: unknown, query: string, seq: number) => void;
  /** Busy state changes: true while a debounce timer or request is outstanding. */
  onBusy?: (busy: boolean) => void;
  /** Queries for which nothing is sent (e.g. empty text): onEmpty is called instead. */
  isEmpty?: (query: string) => boolean;
  onEmpty?: (query: string, seq: number) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class LiveQuery<Token, R> {
  private seq = 0;
  private timer: unknown;
  private inFlight: { seq: number; source: CancelSource<Token> } | undefined;
  private disposed = false;
  private busy = false;
  /** Sequence numbers sent, for tests and tracing. */
  readonly sent: number[] = [];
  readonly cancelled: number[] = [];

  constructor(private readonly opts: LiveQueryOptions<Token, R>) {}

  get latestSeq(): number {
    return this.seq;
  }

  /** New text: supersedes whatever is pending. Returns the new sequence number. */
  update(query: string): number {
    if (this.disposed) return this.seq;
    const seq = ++this.seq;
    this.clearPending();
    this.cancelInFlight();
    if (this.opts.isEmpty?.(query)) {
      this.setBusy(false);
      this.opts.onEmpty?.(query, seq);
      return seq;
    }
    this.setBusy(true);
    const fire = () => {
      this.timer = undefined;
      void this.send(query, seq);
    };
    if (this.opts.debounceMs <= 0) fire();
    else this.timer = (this.opts.setTimer ?? setTimeout)(fire, this.opts.debounceMs);
    return seq;
  }

  /** Sends `query` now, without debounce (e.g. the initial text). */
  flush(query: string): number {
    if (this.disposed) return this.seq;
    const seq = ++this.seq;
    this.clearPending();
    this.cancelInFlight();
    this.setBusy(true);
    void this.send(query, seq);
    return seq;
  }

  dispose(): void {
    this.disposed = true;
    this.clearPending();
    this.cancelInFlight();
    this.setBusy(false);
  }

  private async send(query: string, seq: number): Promise<void> {
    if (this.disposed || seq !== this.seq) return;
    const source = this.opts.createCancelSource();
    this.inFlight = { seq, source };
    this.sent.push(seq);
    try {
      const result = await this.opts.run(query, source.token, seq);
      if (!this.disposed && seq === this.seq) {
        this.setBusy(false);
        this.opts.onResult(result, query, seq);
      }
    } catch (error) {
      if (!this.disposed && seq === this.seq) {
        this.setBusy(false);
        this.opts.onError?.(error, query, seq);
      }
    } finally {
      if (this.inFlight?.seq === seq) this.inFlight = undefined;
      source.dispose();
    }
  }

  private clearPending(): void {
    if (this.timer !== undefined) {
      (this.opts.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.timer);
      this.timer = undefined;
    }
  }

  private cancelInFlight(): void {
    if (this.inFlight) {
      this.cancelled.push(this.inFlight.seq);
      this.inFlight.source.cancel();
      this.inFlight = undefined;
    }
  }

  private setBusy(busy: boolean): void {
    if (busy !== this.busy) {
      this.busy = busy;
      this.opts.onBusy?.(busy);
    }
  }
}
