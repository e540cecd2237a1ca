// Types and method names of the codesearch LSP extension (see the repository
// README, "The LSP extension"). No `vscode` import: shared by the extension,
// the unit tests and the integration test.

export const Methods = {
  query: 'codeSearch/query',
  similar: 'codeSearch/similar',
  status: 'codeSearch/status',
} as const;

export type SearchMode = 'hybrid' | 'semantic' | 'lexical';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export interface SearchFilters {
  languages?: string[];
  paths?: string[];
  /** Globs; a result whose path matches any of them is left out (daemon side). */
  excludePaths?: string[];
  kinds?: string[];
  excludeTests?: boolean;
}

export interface QueryParams {
  query: string;
  limit?: number;
  mode?: SearchMode;
  filters?: SearchFilters;
}

export interface SimilarParams {
  textDocument: { uri: string };
  position?: Position;
  range?: Range;
  limit?: number;
  filters?: SearchFilters;
}

export interface SearchResult {
  uri: string;
  range: Range;
  name: string;
  qualifiedName: string;
  kind: string;
  language: string;
  score: number;
  scores: { dense: number | null; lexical: number | null };
  preview: string;
}

export interface IndexSummary { files: number; chunks: number; pending: number; complete: boolean }

export interface SearchResponse {
  results: SearchResult[];
  index: IndexSummary;
  mode?: string;
  warning?: string;
}

export interface ModelInfo { id: string; dim: number; device: string }

export interface StatusResponse {
  state: 'indexing' | 'idle';
  files: number;
  chunks: number;
  pending: number;
  model: ModelInfo | null;
  version: string;
  roots?: string[];
  skippedFiles?: number;
  modelError?: string;
}

/** Value of a `$/progress` notification for work-done progress. */
export interface WorkDoneProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

/** LSP error code for a cancelled request. */
export const RequestCancelled = -32800;
