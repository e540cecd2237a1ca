// Building `filters` for codeSearch/query and codeSearch/similar from the
// extension settings, and the client-side `codesearch.exclude` filter.
//
// The daemon's `filters.paths` is an allow-list of globs (a result must match
// one of them). It has no negation, so `codesearch.exclude` cannot be sent as
// a filter: the extension asks for a few more results than it shows and drops
// those whose workspace-relative path matches an exclude glob, using the same
// gitignore-style glob rules as the daemon (indexer/path_filter.h).
import type { SearchFilters, SearchResult } from './protocol';

export interface FilterSettings {
  include?: string[];
  exclude?: string[];
  languages?: string[];
  kinds?: string[];
  excludeTests?: boolean;
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  const cleaned = (list ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
  return cleaned.length > 0 ? cleaned : undefined;
}

/** The `filters` object to send, or undefined when nothing restricts results. */
export function buildFilters(settings: FilterSettings): SearchFilters | undefined {
  const filters: SearchFilters = {};
  const languages = nonEmpty(settings.languages);
  if (languages) filters.languages = languages;
  const paths = nonEmpty(settings.include);
  if (paths) filters.paths = paths;
  const kinds = nonEmpty(settings.kinds);
  if (kinds) filters.kinds = kinds;
  if (settings.excludeTests) filters.excludeTests = true;
  return Object.keys(filters).length > 0 ? filters : undefined;
}

/** How many results to ask for so that `shown` remain after client-side exclusion. */
export function requestLimit(shown: number, exclude: string[] | undefined): number {
  const n = Math.max(1, Math.floor(shown));
  return nonEmpty(exclude) ? Math.min(n * 2 + 10, 500) : n;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // '**/' matches zero or more directories; a trailing or inner '**' anything.
        if (glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close > i + 1) {
        let set = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = '^' + set.slice(1);
        re += '[' + set + ']';
        i = close;
      } else {
        re += '\\[';
      }
    } else {
      re += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp('^' + re + '$');
}

/**
 * gitignore-style match of a workspace-relative path: a pattern without '/'
 * matches the file name or any directory name on the path; otherwise it is
 * anchored at the path's start. A trailing '/' means "this directory".
 */
export function globMatches(pattern: string, relativePath: string): boolean {
  let p = pattern.trim();
  if (p.length === 0) return false;
  const path = relativePath.replace(/\\/g, '/').replace(/^\/+/, '');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  const re = globToRegExp(p);
  const parts = path.split('/');
  if (!anchored) {
    const candidates = dirOnly ? parts.slice(0, -1) : parts;
    return candidates.some((part) => re.test(part));
  }
  // Anchored: the whole path, or any leading directory prefix (a directory match excludes its contents).
  for (let n = parts.length; n >= 1; n--) {
    if (dirOnly && n === parts.length) continue;
    if (re.test(parts.slice(0, n).join('/'))) return true;
  }
  return false;
}

export function isExcluded(relativePath: string, exclude: string[] | undefined): boolean {
  return (exclude ?? []).some((glob) => globMatches(glob, relativePath));
}

/** Drops results under an excluded path and keeps at most `limit`, in the daemon's order. */
export function applyExclude(
  results: SearchResult[],
  exclude: string[] | undefined,
  relativePathOf: (uri: string) => string,
  limit: number,
): SearchResult[] {
  const globs = nonEmpty(exclude);
  const kept = globs ? results.filter((r) => !isExcluded(relativePathOf(r.uri), globs)) : results;
  return kept.slice(0, Math.max(0, limit));
}
