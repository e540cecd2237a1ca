// Index state for the status bar, fed by `$/progress` and codeSearch/status
// polling (no `vscode` import).
import type { StatusResponse, WorkDoneProgressValue } from './protocol';

export interface StatusView {
  text: string;
  tooltip: string;
  /** 'error' when the daemon is down, 'warning' when it runs without a model. */
  severity: 'normal' | 'warning' | 'error';
}

export class IndexStatus {
  private progress: { title: string; message?: string; percentage?: number } | undefined;
  private lastStatus: StatusResponse | undefined;
  private error: string | undefined;

  onProgress(value: WorkDoneProgressValue): void {
    if (value.kind === 'begin') {
      this.progress = { title: value.title ?? 'Indexing', message: value.message, percentage: value.percentage };
    } else if (value.kind === 'report') {
      const p = this.progress ?? { title: 'Indexing' };
      this.progress = {
        title: p.title,
        message: value.message ?? p.message,
        percentage: value.percentage ?? p.percentage,
      };
    } else {
      this.progress = undefined;
    }
  }

  onStatus(status: StatusResponse): void {
    this.lastStatus = status;
    this.error = undefined;
    if (status.state === 'idle') this.progress = undefined;
  }

  onError(message: string): void {
    this.error = message;
  }

  get status(): StatusResponse | undefined {
    return this.lastStatus;
  }

  view(): StatusView {
    if (this.error !== undefined) {
      return { text: '$(error) codesearch', tooltip: `Code Search: ${this.error}`, severity: 'error' };
    }
    const s = this.lastStatus;
    const modelMissing = s !== undefined && s.model === null;
    const counts = s ? `${s.files} files, ${s.chunks} chunks` : '';
    if (this.progress || s?.state === 'indexing') {
      const pct = this.progress?.percentage;
      const pctText = pct !== undefined ? ` ${Math.round(pct)}%` : s && s.pending > 0 ? ` (${s.pending} pending)` : '';
      const detail = this.progress?.message ? ` — ${this.progress.message}` : '';
      return {
        text: `$(sync~spin) codesearch: indexing${pctText}`,
        tooltip: `Code Search: indexing${pctText}${detail}${counts ? `\n${counts}` : ''}`,
        severity: modelMissing ? 'warning' : 'normal',
      };
    }
    if (!s) return { text: '$(search) codesearch: starting', tooltip: 'Code Search: starting the daemon', severity: 'normal' };
    if (modelMissing) {
      return {
        text: '$(warning) codesearch: idle (model missing)',
        tooltip: `Code Search: no model loaded${s.modelError ? ` (${s.modelError})` : ''} — lexical ranking only\n${counts}`,
        severity: 'warning',
      };
    }
    return {
      text: '$(search) codesearch: idle',
      tooltip: `Code Search: index up to date\n${counts}\nmodel ${s.model?.id} on ${s.model?.device}`,
      severity: 'normal',
    };
  }
}
