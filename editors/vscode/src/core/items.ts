// Mapping search results to picker items (no `vscode` import; the extension
// turns `icon` into a `$(symbol-…)` codicon and `uri`/`range` into a Location).
import type { SearchResult } from './protocol';

export interface PickItem {
  label: string;
  description: string;
  detail: string;
  /**
   * True in the live search picker: VS Code's QuickPick filters items by
   * fuzzy-matching the typed text against labels, but those items come from
   * the daemon already ranked for exactly that text, so filtering must be off
   * there (the stable API has no `matchOnLabel` switch; `alwaysShow` is the
   * documented way to keep an item shown whatever the filter text). False in
   * the "Find Similar Code" picker, where typing narrows the list.
   */
  alwaysShow: boolean;
  result: SearchResult;
}

const KIND_ICONS: Record<string, string> = {
  function: 'symbol-function',
  method: 'symbol-method',
  constructor: 'symbol-constructor',
  class: 'symbol-class',
  struct: 'symbol-struct',
  interface: 'symbol-interface',
  enum: 'symbol-enum',
  trait: 'symbol-interface',
  module: 'symbol-module',
  file: 'symbol-file',
};

export function iconForKind(kind: string): string {
  return KIND_ICONS[kind] ?? 'symbol-misc';
}

function decodePath(uriPath: string): string {
  try {
    return decodeURIComponent(uriPath);
  } catch {
    return uriPath;
  }
}

/** File-system path of a file:// URI (other schemes: the URI itself). */
export function uriToPath(uri: string): string {
  const m = /^file:\/\/[^/]*(\/.*)$/.exec(uri);
  if (!m) return uri;
  let p = decodePath(m[1]);
  if (/^\/[A-Za-z]:/.test(p)) p = p.slice(1); // file:///c:/x on Windows
  return p;
}

/**
 * Path of `uri` relative to the workspace folder that contains it; with more
 * than one folder it is prefixed by the folder's name ("api/src/x.py"), as VS
 * Code does for multi-root workspaces. Outside every folder: the full path.
 */
export function relativePath(uri: string, folders: { uri: string; name: string }[]): string {
  const path = uriToPath(uri);
  let best: { root: string; name: string } | undefined;
  for (const f of folders) {
    const root = uriToPath(f.uri).replace(/\/+$/, '');
    if ((path === root || path.startsWith(root + '/')) && (!best || root.length > best.root.length)) {
      best = { root, name: f.name };
    }
  }
  if (!best) return path;
  const rel = path.slice(best.root.length + 1);
  return folders.length > 1 ? `${best.name}/${rel}` : rel;
}

/** The first non-empty line of the preview, whitespace collapsed, at most `max` characters. */
export function oneLine(text: string, max = 120): string {
  const line = (text ?? '').split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const collapsed = line.replace(/\s+/g, ' ');
  return collapsed.length > max ? collapsed.slice(0, max - 1) + '…' : collapsed;
}

export function toPickItem(result: SearchResult, folders: { uri: string; name: string }[], alwaysShow = true): PickItem {
  const rel = relativePath(result.uri, folders);
  const line = result.range.start.line + 1;
  const name = result.qualifiedName && result.qualifiedName !== result.name ? result.qualifiedName : result.name;
  return {
    label: `$(${iconForKind(result.kind)}) ${name || '(anonymous)'}`,
    description: `${result.kind} · ${rel}:${line}`,
    detail: oneLine(result.preview),
    alwaysShow,
    result,
  };
}

export function toPickItems(results: SearchResult[], folders: { uri: string; name: string }[], alwaysShow = true): PickItem[] {
  return results.map((r) => toPickItem(r, folders, alwaysShow));
}

/** Identity of a result across answers: file and start position. */
export function resultKey(result: SearchResult): string {
  return `${result.uri}#${result.range.start.line}:${result.range.start.character}`;
}
