// The result UI shared by "Search Code…" and "Find Similar Code": a QuickPick
// that previews the selected result as you move (preview editor, focus kept
// in the picker) and opens it on accept.
import * as vscode from 'vscode';
import { toPickItems, type PickItem } from './core/items';
import type { SearchResult } from './core/protocol';

export type ResultItem = vscode.QuickPickItem & PickItem;

export function workspaceFolderInfo(): { uri: string; name: string }[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
}

export function toItems(results: SearchResult[]): ResultItem[] {
  return toPickItems(results, workspaceFolderInfo());
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

/**
 * Creates the picker. Live (search) pickers must not be re-filtered by VS
 * Code: every item has alwaysShow = true and description/detail matching is
 * off (see core/items.ts). Static (similar) pickers let the user narrow the
 * list by typing, so they match on label and description.
 */
export function createResultPicker(opts: { title: string; placeholder: string; live: boolean }): {
  picker: vscode.QuickPick<ResultItem>;
  done: Promise<void>;
} {
  const picker = vscode.window.createQuickPick<ResultItem>();
  picker.title = opts.title;
  picker.placeholder = opts.placeholder;
  picker.matchOnDescription = !opts.live;
  picker.matchOnDetail = false;
  picker.ignoreFocusOut = false;
  const originalEditor = vscode.window.activeTextEditor;
  let accepted = false;
  let previewSeq = 0;

  picker.onDidChangeActive((active) => {
    const item = active[0];
    if (!item) return;
    const seq = ++previewSeq;
    // Let fast arrow-key movement settle before opening the preview.
    setTimeout(() => {
      if (seq === previewSeq && !accepted) void reveal(item.result, false).then(undefined, () => undefined);
    }, 60);
  });

  const done = new Promise<void>((resolve) => {
    picker.onDidAccept(() => {
      const item = picker.selectedItems[0] ?? picker.activeItems[0];
      if (!item) return;
      accepted = true;
      picker.hide();
      void reveal(item.result, true).then(undefined, (e) =>
        vscode.window.showErrorMessage(`Code Search: cannot open ${item.result.uri}: ${e}`),
      );
    });
    picker.onDidHide(() => {
      if (!accepted && originalEditor) {
        // Cancelled: go back to where the user was before previewing.
        void vscode.window
          .showTextDocument(originalEditor.document, { viewColumn: originalEditor.viewColumn, selection: originalEditor.selection })
          .then(undefined, () => undefined);
      }
      picker.dispose();
      resolve();
    });
  });
  return { picker, done };
}
