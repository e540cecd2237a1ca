// Building `filters` for codeSearch/query and codeSearch/similar from the
// extension settings (and the picker's toggles). Every filter, the excludes
// included, is applied by the daemon inside each retriever before its top-k
// cut: `codesearch.include` is sent as `filters.paths` (an allow-list of
// gitignore-style globs) and `codesearch.exclude` as `filters.excludePaths`
// (a result matching any of them is left out).
import type { SearchFilters } from './protocol';

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
  const excludePaths = nonEmpty(settings.exclude);
  if (excludePaths) filters.excludePaths = excludePaths;
  const kinds = nonEmpty(settings.kinds);
  if (kinds) filters.kinds = kinds;
  if (settings.excludeTests) filters.excludeTests = true;
  return Object.keys(filters).length > 0 ? filters : undefined;
}

/** The number of results to ask for: the setting, at least 1. */
export function requestLimit(shown: number): number {
  return Math.max(1, Math.floor(shown));
}
