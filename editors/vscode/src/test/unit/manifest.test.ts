// Consistency between package.json contributions and the extension source
// (VS Code itself cannot run here, so these are checked statically).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const src = (f: string) => fs.readFileSync(path.join(root, 'src', f), 'utf8');

test('every contributed command is registered and vice versa', () => {
  const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
  const registered = [...src('extension.ts').matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(registered, contributed);
  assert.ok(contributed.includes('codesearch.search') && contributed.includes('codesearch.similar'));
  const menus = pkg.contributes.menus['editor/context'].map((m: { command: string }) => m.command);
  assert.ok(menus.includes('codesearch.similar'), 'Find Similar Code is in the editor context menu');
});

test('every setting read by the extension is contributed', () => {
  const props = Object.keys(pkg.contributes.configuration.properties);
  const read = [...src('config.ts').matchAll(/c\.get<[^>]+>\('([^']+)'/g)].map((m) => `codesearch.${m[1]}`);
  for (const key of read) assert.ok(props.includes(key), `${key} contributed`);
  for (const key of ['serverPath', 'serverArgs', 'maxResults', 'debounceMs', 'exclude', 'trace.server']) {
    assert.ok(props.includes(`codesearch.${key}`), key);
  }
});

test('core modules stay free of the vscode API (unit-testable in plain Node)', () => {
  for (const f of fs.readdirSync(path.join(root, 'src/core'))) {
    assert.doesNotMatch(src(`core/${f}`), /from ['"]vscode['"]|require\(['"]vscode['"]\)/, f);
  }
});

test('the manifest is packageable: main points at the bundle, engine matches the languageclient', () => {
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.engines.vscode, '^1.91.0');
  assert.equal(pkg.dependencies['vscode-languageclient'], '11.0.0');
  assert.equal(pkg.devDependencies['@types/vscode'], '1.91.0', '@types/vscode must not exceed engines.vscode');
});

test('activation is lazy: on a command, the results view or a supported language, never at start-up', () => {
  const events: string[] = pkg.activationEvents;
  assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), JSON.stringify(events));
  for (const c of pkg.contributes.commands) assert.ok(events.includes(`onCommand:${c.command}`), c.command);
  const langs = [...src('extension.ts').matchAll(/export const LANGUAGES = \[([^\]]*)\]/g)][0][1].match(/'[^']+'/g)!.map((s) => s.slice(1, -1));
  assert.ok(langs.length >= 20);
  for (const l of langs) assert.ok(events.includes(`onLanguage:${l}`), l);
  assert.ok(events.includes('onView:codesearch.results'));
});

test('keybindings avoid macOS Replace (cmd+alt+f) and cover Search and Similar', () => {
  const keys = pkg.contributes.keybindings as { command: string; key: string; mac?: string }[];
  for (const k of keys) {
    assert.notEqual(k.mac, 'cmd+alt+f', 'cmd+alt+f is Replace on macOS');
    assert.notEqual(k.key, 'ctrl+alt+f');
    assert.notEqual(k.key, 'ctrl+h');
  }
  assert.ok(keys.some((k) => k.command === 'codesearch.search'));
  assert.ok(keys.some((k) => k.command === 'codesearch.similar'));
});

test('the results view is contributed and the exclude setting says it is sent to the daemon', () => {
  assert.ok(pkg.contributes.views.explorer.some((v: { id: string }) => v.id === 'codesearch.results'));
  assert.match(src('resultsView.ts'), /RESULTS_VIEW_ID = 'codesearch\.results'/);
  const exclude = pkg.contributes.configuration.properties['codesearch.exclude'].description as string;
  assert.match(exclude, /filters\.excludePaths/);
  assert.doesNotMatch(exclude, /negated/);
});
