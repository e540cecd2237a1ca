// The results view's model (no `vscode` import): a search's results grouped
// by file, files in the order of their best result, results in rank order.
import { relativePath } from './items';
import type { SearchResult } from './protocol';

export interface FileGroup {
  uri: string;
  label: string; // workspace-relative path
  results: SearchResult[];
}

export interface ResultSet {
  title: string; // e.g. 'retry http request' or 'similar to retry.py:12'
  groups: FileGroup[];
  total: number;
}

export function groupByFile(
  title: string,
  results: readonly SearchResult[],
  folders: { uri: string; name: string }[],
): ResultSet {
  const byUri = new Map<string, FileGroup>();
  const groups: FileGroup[] = [];
  for (const r of results) {
    let g = byUri.get(r.uri);
    if (!g) {
      g = { uri: r.uri, label: relativePath(r.uri, folders), results: [] };
      byUri.set(r.uri, g);
      groups.push(g);
    }
    g.results.push(r);
  }
  return { title, groups, total: results.length };
}
