// The result UI shared by "Search Code…" and "Find Similar Code": a QuickPick
// that previews the result the user moves to (preview editor, focus kept in
// the picker) and opens it on accept. New answers keep the active item where
// the user left it and open no preview by themselves; Escape closes the
// preview tabs the picker opened and returns to the editor the user was in.
import * as vscode from 'vscode';
import { ActiveItemTracker } from './core/activeItem';
import { resultKey, toPickItems } from './core/items';
import type { SearchResult } from './core/protocol';

/** A result (`result`), or, in the empty search picker, a recent query (`historyQuery`). */
export type ResultItem = vscode.QuickPickItem & { result?: SearchResult; historyQuery?: string };

export function workspaceFolderInfo(): { uri: string; name: string }[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
}

/** Live (search) items always show; static (similar) items are narrowed by VS Code as the user types. */
export function toItems(results: SearchResult[], live = true): ResultItem[] {
  return toPickItems(results, workspaceFolderInfo(), live);
}

function rangeOf(result: SearchResult): vscode.Range {
  const s = result.range.start;
  return new vscode.Range(s.line, s.character, s.line, s.character);
}

export async function reveal(result: SearchResult, final: boolean): Promise<void> {
  const uri = vscode.Uri.parse(result.uri);
  await vscode.window.showTextDocument(uri, {
    preview: !final,
    preserveFocus: !final,
    selection: rangeOf(result),
  });
  if (final) {
    const editor = vscode.window.activeTextEditor;
    editor?.revealRange(rangeOf(result), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

function tabUri(tab: vscode.Tab): string | undefined {
  const input = tab.input as { uri?: vscode.Uri } | undefined;
  return input && input.uri ? input.uri.toString() : undefined;
}

function openTabUris(): Set<string> {
  const out = new Set<string>();
  for (const group of vscode.window.tabGroups?.all ?? []) {
    for (const tab of group.tabs) {
      const u = tabUri(tab);
      if (u) out.add(u);
    }
  }
  return out;
}

export interface ResultPicker {
  picker: vscode.QuickPick<ResultItem>;
  done: Promise<void>;
  /** Replaces the items, keeping the user's active item when it is still there. */
  setItems(items: ResultItem[]): void;
}

/**
 * Creates the picker. Live (search) pickers must not be re-filtered by VS
 * Code: their items have alwaysShow = true and description/detail matching is
 * off (see core/items.ts). Static (similar) pickers let the user narrow the
 * list by typing, so they match on label and description.
 */
export function createResultPicker(opts: {
  title: string;
  placeholder: string;
  live: boolean;
  /** A recent query was accepted (the search picker puts it in the input). */
  onHistory?: (query: string) => void;
  onAccept?: (result: SearchResult) => void;
}): ResultPicker {
  const picker = vscode.window.createQuickPick<ResultItem>();
  picker.title = opts.title;
  picker.placeholder = opts.placeholder;
  picker.matchOnDescription = !opts.live;
  picker.matchOnDetail = false;
  picker.ignoreFocusOut = false;
  const originalEditor = vscode.window.activeTextEditor;
  const openBefore = openTabUris();
  const previewed = new Set<string>(); // documents the picker opened that were not open before
  const tracker = new ActiveItemTracker();
  let accepted = false;
  let hidden = false;
  let previewSeq = 0;

  picker.onDidChangeActive((active) => {
    const item = active[0];
    if (!item || !item.result) return;
    const result = item.result;
    if (!tracker.onActive(resultKey(item.result))) return; // VS Code's own activation after new items
    const seq = ++previewSeq;
    // Let fast arrow-key movement settle before opening the preview.
    setTimeout(() => {
      if (seq !== previewSeq || accepted || hidden) return;
      const uri = vscode.Uri.parse(result.uri).toString();
      if (!openBefore.has(uri)) previewed.add(uri);
      void reveal(result, false).then(undefined, () => undefined);
    }, 60);
  });

  const setItems = (items: ResultItem[]) => {
    const keep = tracker.onItems(items.map((i) => (i.result ? resultKey(i.result) : `#${i.label}`)));
    picker.items = items;
    if (keep !== undefined) picker.activeItems = [items[keep]];
  };

  const closePreviews = async () => {
    const tabs: vscode.Tab[] = [];
    for (const group of vscode.window.tabGroups?.all ?? []) {
      for (const tab of group.tabs) {
        const u = tabUri(tab);
        if (u && previewed.has(u) && tab.isPreview && !tab.isDirty) tabs.push(tab);
      }
    }
    if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
  };

  const done = new Promise<void>((resolve) => {
    picker.onDidAccept(() => {
      const item = picker.selectedItems[0] ?? picker.activeItems[0];
      if (!item) return;
      if (item.historyQuery !== undefined) {
        opts.onHistory?.(item.historyQuery);
        return;
      }
      const result = item.result;
      if (!result) return;
      accepted = true;
      opts.onAccept?.(result);
      picker.hide();
      void reveal(result, true).then(undefined, (e) =>
        vscode.window.showErrorMessage(`Code Search: cannot open ${result.uri}: ${e}`),
      );
    });
    picker.onDidHide(async () => {
      hidden = true;
      previewSeq++; // a pending preview is dropped
      if (!accepted) {
        // Cancelled: close the previews this picker opened, go back to where the user was.
        await closePreviews().then(undefined, () => undefined);
        if (originalEditor) {
          await vscode.window
            .showTextDocument(originalEditor.document, { viewColumn: originalEditor.viewColumn, selection: originalEditor.selection })
            .then(undefined, () => undefined);
        }
      }
      picker.dispose();
      resolve();
    });
  });
  return { picker, done, setItems };
}
