// Checks a packaged .vsix (a zip): the manifest and the bundle are there,
// nothing that must not ship (node_modules, sources, tests, maps) leaked in,
// and the bundle is self-contained (only `vscode` left external).
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const file = process.argv[2] ?? 'codesearch.vsix';
const buf = readFileSync(file);

// Minimal zip reader: end of central directory → central directory entries.
let eocd = -1;
for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
  if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
}
if (eocd < 0) { console.error(`${file}: not a zip file`); process.exit(1); }
const count = buf.readUInt16LE(eocd + 10);
let off = buf.readUInt32LE(eocd + 16);
const entries = new Map();
for (let n = 0; n < count; n++) {
  if (buf.readUInt32LE(off) !== 0x02014b50) { console.error('bad central directory'); process.exit(1); }
  const method = buf.readUInt16LE(off + 10);
  const csize = buf.readUInt32LE(off + 20);
  const nameLen = buf.readUInt16LE(off + 28);
  const extraLen = buf.readUInt16LE(off + 30);
  const commentLen = buf.readUInt16LE(off + 32);
  const local = buf.readUInt32LE(off + 42);
  const name = buf.toString('utf8', off + 46, off + 46 + nameLen);
  entries.set(name, { method, csize, local });
  off += 46 + nameLen + extraLen + commentLen;
}
function read(name) {
  const e = entries.get(name);
  const lnameLen = buf.readUInt16LE(e.local + 26);
  const lextraLen = buf.readUInt16LE(e.local + 28);
  const data = buf.subarray(e.local + 30 + lnameLen + lextraLen, e.local + 30 + lnameLen + lextraLen + e.csize);
  return e.method === 8 ? inflateRawSync(data) : data;
}

let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) { passed++; console.log(`ok - ${what}`); } else { failed++; console.log(`not ok - ${what}`); }
}
const names = [...entries.keys()];
check(entries.has('extension/package.json'), 'extension/package.json present');
check(entries.has('extension/dist/extension.js'), 'extension/dist/extension.js present');
check(entries.has('[Content_Types].xml') && entries.has('extension.vsixmanifest'), 'vsix manifest files present');
check(entries.has('extension/readme.md') || entries.has('extension/README.md'), 'README shipped');
const leaks = names.filter((n) => /(^|\/)node_modules\/|^extension\/src\/|^extension\/out\/|\.map$|\.ts$|tsconfig|esbuild\.mjs|\.vsix$/.test(n));
check(leaks.length === 0, `no node_modules/src/out/maps leaked${leaks.length ? ': ' + leaks.slice(0, 5).join(', ') : ''}`);
check(names.length <= 12, `few files (${names.length}): ${names.join(', ')}`);
if (entries.has('extension/package.json') && entries.has('extension/dist/extension.js')) {
  const pkg = JSON.parse(read('extension/package.json').toString('utf8'));
  check(pkg.main === './dist/extension.js', 'main is ./dist/extension.js');
  check(pkg.contributes?.commands?.some((c) => c.command === 'codesearch.search'), 'codesearch.search contributed');
  const js = read('extension/dist/extension.js').toString('utf8');
  const requires = [...new Set([...js.matchAll(/require\(["']([^"'./][^"']*)["']\)/g)].map((m) => m[1]))];
  const nonBuiltin = requires.filter((r) => r !== 'vscode' && !/^(node:)?(child_process|fs|path|os|net|util|crypto|events|stream|url|assert|buffer|string_decoder|tty|process|readline|timers)$/.test(r));
  check(nonBuiltin.length === 0, `bundle only requires vscode and node builtins${nonBuiltin.length ? ' (also: ' + nonBuiltin.join(', ') + ')' : ''}`);
  check(js.includes('codeSearch/query') && js.includes('LanguageClient'), 'bundle contains the client and the codeSearch requests');
}
console.log(`vsix: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
