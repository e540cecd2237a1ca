import * as vscode from 'vscode';
import type { FilterSettings } from './core/filters';
import type { SearchMode } from './core/protocol';

export interface Settings extends FilterSettings {
  serverPath: string;
  serverArgs: string[];
  maxResults: number;
  debounceMs: number;
  mode: SearchMode;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('codesearch');
  return {
    serverPath: c.get<string>('serverPath', 'codesearch') || 'codesearch',
    serverArgs: c.get<string[]>('serverArgs', []),
    maxResults: c.get<number>('maxResults', 30),
    debounceMs: c.get<number>('debounceMs', 150),
    mode: c.get<SearchMode>('mode', 'hybrid'),
    exclude: c.get<string[]>('exclude', []),
    include: c.get<string[]>('include', []),
    languages: c.get<string[]>('languages', []),
    excludeTests: c.get<boolean>('excludeTests', false),
  };
}
