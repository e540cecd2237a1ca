// The "Code Search Results" view (contributed in package.json under the
// Explorer): the results a search was sent to, grouped by file, so they stay
// after the picker closes. Clicking a result opens it at its line.
import * as vscode from 'vscode';
import { iconForKind, oneLine } from './core/items';
import type { SearchResult } from './core/protocol';
import { groupByFile, type FileGroup, type ResultSet } from './core/resultsTree';
import { workspaceFolderInfo } from './picker';

type Node = { kind: 'file'; group: FileGroup } | { kind: 'result'; result: SearchResult };

export const RESULTS_VIEW_ID = 'codesearch.results';

export class ResultsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private set: ResultSet | undefined;
  private readonly view: vscode.TreeView<Node>;

  constructor() {
    this.view = vscode.window.createTreeView(RESULTS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.view.message = 'Run "Code Search: Search Code…" and send its results here (the list-tree button).';
  }

  /** The results shown now (for tests). */
  get current(): ResultSet | undefined {
    return this.set;
  }

  async show(title: string, results: readonly SearchResult[]): Promise<void> {
    this.set = groupByFile(title, results, workspaceFolderInfo());
    this.view.title = 'Code Search Results';
    this.view.message = `${title} — ${results.length} result${results.length === 1 ? '' : 's'} in ${this.set.groups.length} file${this.set.groups.length === 1 ? '' : 's'}`;
    void vscode.commands.executeCommand('setContext', 'codesearch.hasResults', results.length > 0);
    this.changed.fire(undefined);
    await vscode.commands.executeCommand(`${RESULTS_VIEW_ID}.focus`).then(undefined, () => undefined);
  }

  clear(): void {
    this.set = undefined;
    this.view.message = 'No results.';
    void vscode.commands.executeCommand('setContext', 'codesearch.hasResults', false);
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!this.set) return [];
    if (!node) return this.set.groups.map((group) => ({ kind: 'file', group }));
    if (node.kind === 'file') return node.group.results.map((result) => ({ kind: 'result', result }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = vscode.Uri.parse(node.group.uri);
      item.description = `${node.group.results.length}`;
      item.iconPath = vscode.ThemeIcon.File;
      return item;
    }
    const r = node.result;
    const name = r.qualifiedName && r.qualifiedName !== r.name ? r.qualifiedName : r.name;
    const item = new vscode.TreeItem(name || '(anonymous)', vscode.TreeItemCollapsibleState.None);
    item.description = `${r.kind} · line ${r.range.start.line + 1} · ${oneLine(r.preview, 80)}`;
    item.tooltip = r.preview;
    item.iconPath = new vscode.ThemeIcon(iconForKind(r.kind));
    const at = new vscode.Range(r.range.start.line, r.range.start.character, r.range.start.line, r.range.start.character);
    item.command = {
      command: 'vscode.open',
      title: 'Open',
      arguments: [vscode.Uri.parse(r.uri), { selection: at, preview: true } satisfies vscode.TextDocumentShowOptions],
    };
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
