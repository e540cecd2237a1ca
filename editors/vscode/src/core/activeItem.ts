// Keeping the picker's active item stable across answers (no `vscode` import).
//
// Replacing a QuickPick's items makes VS Code activate an item by itself (the
// first one, or the one the extension asked for), and that fires
// onDidChangeActive like a user's move would. Previewing on it would open the
// top result's file at every answer while the user types. The tracker tells
// the picker which item to keep active after an answer, and which active
// changes are the user's (preview them) and which are VS Code's (ignore).
export class ActiveItemTracker {
  private activeKey: string | undefined;
  private expected: Set<string> | undefined;
  private expectedAt = 0;

  constructor(private readonly now: () => number = Date.now, private readonly windowMs = 500) {}

  /**
   * New items (their keys, in order): returns the index to make active, the
   * previously active result when it is still there, else undefined (VS Code's
   * default, the first). The automatic activation that follows is expected.
   */
  onItems(keys: readonly string[]): number | undefined {
    const kept = this.activeKey !== undefined ? keys.indexOf(this.activeKey) : -1;
    this.expected = new Set<string>();
    if (keys.length > 0) this.expected.add(keys[0]);
    if (kept >= 0) this.expected.add(keys[kept]);
    this.expectedAt = this.now();
    return kept >= 0 ? kept : undefined;
  }

  /** An active-item change: true when it is the user's (preview it), false when VS Code's own. */
  onActive(key: string | undefined): boolean {
    if (key === undefined) return false;
    const automatic =
      this.expected !== undefined && this.expected.has(key) && this.now() - this.expectedAt <= this.windowMs;
    this.expected = undefined;
    if (automatic) {
      // Not the user's move: remember it as active only when it was already the active one.
      return false;
    }
    this.activeKey = key;
    return true;
  }

  /** The key of the item the user last made active. */
  get active(): string | undefined {
    return this.activeKey;
  }
}
