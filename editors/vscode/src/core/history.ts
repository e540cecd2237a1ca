// Recent queries of the search picker (no `vscode` import): newest first,
// without duplicates (trimmed, case kept), at most `max`.
export function addToHistory(history: readonly string[], query: string, max = 20): string[] {
  const q = query.trim();
  if (q.length === 0) return [...history];
  return [q, ...history.filter((h) => h !== q)].slice(0, Math.max(1, max));
}
