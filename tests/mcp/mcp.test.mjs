// End-to-end tests of `codesearch mcp` with the official MCP TypeScript SDK
// client (StdioClientTransport spawns the server). Run: CODESEARCH_BIN=build/cli/codesearch node --test mcp.test.mjs
// CODESEARCH_MCP_TRANSCRIPT=FILE appends the JSON-RPC traffic of the main session to FILE.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';

const BIN = process.env.CODESEARCH_BIN ?? path.resolve(import.meta.dirname ?? '.', '../../build/cli/codesearch');

function writeWorkspace(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

const FIXTURE = {
  'src/http_client.py': `import time


class HttpClient:
    """Sends requests to a web server and reads the responses."""

    def __init__(self, base_url):
        self.base_url = base_url

    def send(self, request):
        return self.transport.write(request)


def retry_with_backoff(call, attempts=5):
    """Retry a failing call, sleeping twice as long after each failure."""
    delay = 0.1
    for attempt in range(attempts):
        try:
            return call()
        except IOError:
            time.sleep(delay)
            delay *= 2
    raise TimeoutError("gave up")
`,
  'src/urls.py': `def parse_url(text):
    """Split a web address into its scheme, host and path."""
    scheme, rest = text.split("://", 1)
    host, _, path = rest.partition("/")
    return scheme, host, "/" + path
`,
  'lib/engine.rb': `module Rails
  class Engine
    def initialize(name)
      @name = name
    end
  end
end
`,
};

// Logs every message both ways when CODESEARCH_MCP_TRANSCRIPT is set.
class LoggingTransport {
  constructor(inner, file) {
    this.inner = inner;
    this.file = file;
  }
  log(direction, message) {
    if (this.file) fs.appendFileSync(this.file, `${direction} ${JSON.stringify(message)}\n`);
  }
  async start() {
    this.inner.onmessage = (m) => {
      this.log('<-', m);
      this.onmessage?.(m);
    };
    this.inner.onclose = () => this.onclose?.();
    this.inner.onerror = (e) => this.onerror?.(e);
    return this.inner.start();
  }
  async send(message, options) {
    this.log('->', message);
    return this.inner.send(message, options);
  }
  async close() {
    return this.inner.close();
  }
}

async function connect({ args, cwd, capabilities = {}, transcript, onClient } = {}) {
  const client = new Client({ name: 'codesearch-e2e', version: '1.0.0' }, { capabilities });
  onClient?.(client);
  const transport = new StdioClientTransport({ command: BIN, args: ['mcp', '--no-cache', ...args], cwd, stderr: 'pipe' });
  await client.connect(transcript ? new LoggingTransport(transport, transcript) : transport);
  return client;
}

async function waitForIndex(client, predicate = (s) => s.complete && s.files > 0, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await client.callTool({ name: 'index_status', arguments: {} });
    if (predicate(result.structuredContent)) return result;
    if (Date.now() > deadline) throw new Error(`index never got there: ${JSON.stringify(result.structuredContent)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('codesearch mcp over the SDK client', () => {
  let dir;
  let client;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-mcp-'));
    writeWorkspace(path.join(dir, 'ws'), FIXTURE);
    writeWorkspace(dir, { 'outside.py': 'def outside():\n    pass\n' });
    client = await connect({ args: ['--root', path.join(dir, 'ws')], transcript: process.env.CODESEARCH_MCP_TRANSCRIPT });
    await waitForIndex(client);
  });

  after(async () => {
    await client?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('initialize negotiates the newest protocol revision and advertises tools', () => {
    assert.equal(client.getServerVersion().name, 'codesearch');
    assert.deepEqual(client.getServerCapabilities().tools, { listChanged: false });
    assert.equal(LATEST_PROTOCOL_VERSION, '2025-11-25');
  });

  test('tools/list has the four tools with input and output schemas', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ['search_code', 'find_similar', 'find_definition', 'index_status']);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object');
      assert.equal(tool.outputSchema.type, 'object');
      assert.ok(tool.description.length > 20);
    }
    assert.deepEqual(tools[0].inputSchema.required, ['query']);
  });

  test('search_code finds a function by description', async () => {
    const result = await client.callTool({ name: 'search_code', arguments: { query: 'retry a failing call with backoff', limit: 3 } });
    assert.equal(result.isError, false);
    const top = result.structuredContent.results[0];
    assert.equal(top.name, 'retry_with_backoff');
    assert.equal(top.path, 'src/http_client.py');
    assert.equal(top.start_line, 14);
    assert.equal(top.kind, 'function');
    assert.equal(top.language, 'python');
    assert.equal(result.structuredContent.index.complete, true);
    assert.match(result.content[0].text, /src\/http_client\.py:14 {2}function retry_with_backoff\n {4}def retry_with_backoff/);
  });

  test('search_code honours filters and max_tokens', async () => {
    const ruby = await client.callTool({ name: 'search_code', arguments: { query: 'engine initialize name', languages: ['ruby'] } });
    assert.ok(ruby.structuredContent.results.length > 0);
    for (const r of ruby.structuredContent.results) assert.equal(r.language, 'ruby');
    const small = await client.callTool({ name: 'search_code', arguments: { query: 'def', limit: 50, max_tokens: 100 } });
    assert.ok(small.content[0].text.length <= 400, small.content[0].text);
  });

  test('find_definition returns the class', async () => {
    const result = await client.callTool({ name: 'find_definition', arguments: { symbol: 'HttpClient' } });
    assert.equal(result.isError, false);
    const [first] = result.structuredContent.results;
    assert.equal(first.name, 'HttpClient');
    assert.equal(first.kind, 'class');
    assert.equal(first.start_line, 4);
    for (const r of result.structuredContent.results) assert.notEqual(r.kind, 'module');
    const ruby = await client.callTool({ name: 'find_definition', arguments: { symbol: 'Rails::Engine' } });
    assert.equal(ruby.structuredContent.results[0].name, 'Engine');
    assert.equal(ruby.structuredContent.results[0].path, 'lib/engine.rb');
  });

  test('find_similar by file and line, and by code', async () => {
    const at = await client.callTool({ name: 'find_similar', arguments: { file: 'src/urls.py', line: 3 } });
    assert.equal(at.isError, false, at.content[0].text);
    assert.ok(at.structuredContent.results.every((r) => r.name !== 'parse_url'));
    const code = await client.callTool({
      name: 'find_similar',
      arguments: { code: 'def split_address(address):\n    scheme, rest = address.split("://", 1)\n    return scheme, rest\n' },
    });
    assert.equal(code.isError, false);
    assert.equal(code.structuredContent.results[0].name, 'parse_url');
  });

  test('index_status reports files, chunks and the model', async () => {
    const result = await client.callTool({ name: 'index_status', arguments: {} });
    const s = result.structuredContent;
    assert.equal(s.files, 3);
    assert.ok(s.chunks >= 6);
    assert.equal(s.pending, 0);
    assert.equal(s.complete, true);
    assert.equal(s.state, 'idle');
    assert.deepEqual(s.roots, [fs.realpathSync(path.join(dir, 'ws'))]);
    assert.ok(s.model === null || typeof s.model.id === 'string');
    assert.deepEqual(s.watcher, { mode: 'inotify' });
    assert.match(result.content[0].text, /^Index complete: 3 files/);
    assert.match(result.content[0].text, /Watching the disk: inotify/);
  });

  test('bad arguments and paths are tool errors; an unknown tool is a protocol error', async () => {
    const missing = await client.callTool({ name: 'search_code', arguments: {} });
    assert.equal(missing.isError, true);
    assert.match(missing.content[0].text, /missing required argument 'query'/);
    const limit = await client.callTool({ name: 'search_code', arguments: { query: 'x', limit: 1000 } });
    assert.equal(limit.isError, true);
    assert.match(limit.content[0].text, /from 1 to 100/);
    const outside = await client.callTool({ name: 'find_similar', arguments: { file: path.join(dir, 'outside.py'), line: 1 } });
    assert.equal(outside.isError, true);
    assert.match(outside.content[0].text, /not a file inside the workspace/);
    const past = await client.callTool({ name: 'find_similar', arguments: { file: 'src/urls.py', line: 500 } });
    assert.equal(past.isError, true);
    assert.match(past.content[0].text, /past the end/);
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (e) => e.code === -32602);
  });

  test('ping', async () => {
    assert.deepEqual(await client.ping(), {});
  });
});

describe('changes on disk', () => {
  test('a file written, rewritten and deleted on disk is reflected without any notification', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-mcp-disk-'));
    writeWorkspace(dir, { 'a.py': 'def already_there():\n    return 1\n' });
    const client = await connect({ args: ['--root', dir] });
    const top = async (query) => {
      const r = await client.callTool({ name: 'search_code', arguments: { query, mode: 'lexical', limit: 3 } });
      return r.structuredContent.results[0]?.name;
    };
    const within = async (ms, predicate, what) => {
      const deadline = Date.now() + ms;
      while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error(`not reflected within ${ms} ms: ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      await waitForIndex(client);
      // The agent writes files itself (no tool, no notification): the server's watcher sees them.
      writeWorkspace(dir, { 'tools/fresh.py': 'def written_by_the_agent(path):\n    return open(path)\n' });
      await within(1000, async () => (await top('written_by_the_agent')) === 'written_by_the_agent', 'created');
      writeWorkspace(dir, { 'tools/fresh.py': 'def rewritten_by_the_agent(path):\n    return open(path)\n' });
      await within(1000, async () => (await top('rewritten_by_the_agent')) === 'rewritten_by_the_agent', 'rewritten');
      fs.rmSync(path.join(dir, 'tools'), { recursive: true });
      await within(1000, async () => (await waitForIndex(client)).structuredContent.files === 1, 'deleted');
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('roots from the client', () => {
  test('indexes the roots the client lists, and follows roots/list_changed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-mcp-roots-'));
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    writeWorkspace(first, { 'a.py': 'def alpha_function_here():\n    return 1\n' });
    writeWorkspace(second, { 'b.py': 'def beta_function_here():\n    return 2\n', 'c.py': 'def gamma():\n    pass\n' });
    fs.mkdirSync(path.join(dir, 'cwd'));
    let roots = [{ uri: pathToFileURL(first).href, name: 'first' }];
    const client = await connect({
      args: [],
      cwd: path.join(dir, 'cwd'), // not the workspace: the roots must come from the client
      capabilities: { roots: { listChanged: true } },
      onClient: (c) => c.setRequestHandler(ListRootsRequestSchema, async () => ({ roots })),
    });
    try {
      const status = await waitForIndex(client);
      assert.deepEqual(status.structuredContent.roots, [fs.realpathSync(first)]);
      const hit = await client.callTool({ name: 'search_code', arguments: { query: 'alpha_function_here' } });
      assert.equal(hit.structuredContent.results[0].path, 'a.py');

      roots = [{ uri: pathToFileURL(second).href, name: 'second' }];
      await client.sendRootsListChanged();
      await waitForIndex(client, (s) => s.roots[0] === fs.realpathSync(second) && s.complete && s.files === 2);
      const beta = await client.callTool({ name: 'find_definition', arguments: { symbol: 'beta_function_here' } });
      assert.equal(beta.structuredContent.results[0].path, 'b.py');
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('raw JSON-RPC over stdio', () => {
  test('parse errors, unknown methods and one answer per request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codesearch-mcp-raw-'));
    writeWorkspace(dir, { 'a.py': 'def f():\n    pass\n' });
    const child = spawn(BIN, ['mcp', '--no-cache', '--no-model', '--root', dir], { stdio: ['pipe', 'pipe', 'ignore'] });
    const lines = [];
    let buffer = '';
    child.stdout.on('data', (d) => {
      buffer += d;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buffer.slice(0, i)));
        buffer = buffer.slice(i + 1);
      }
    });
    const send = (s) => child.stdin.write(s + '\n');
    send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } }));
    send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    send('{"jsonrpc": "2.0", "id": 2, "method": "tools/li');
    send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'prompts/list' }));
    send(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }));
    send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' }));
    const deadline = Date.now() + 20000;
    while (lines.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.stdin.end();
    await new Promise((r) => child.on('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(lines.length, 5, JSON.stringify(lines));
    const byId = Object.fromEntries(lines.filter((l) => l.id !== null).map((l) => [l.id, l]));
    assert.equal(byId[1].result.protocolVersion, '2024-11-05'); // an older revision is accepted
    assert.equal(lines.find((l) => l.id === null).error.code, -32700);
    assert.equal(byId[3].error.code, -32601);
    assert.equal(byId[4].result.tools.length, 4);
    assert.equal(byId[4].result.tools[0].outputSchema, undefined); // no structured output before 2025-06-18
    assert.deepEqual(byId[5].result, {});
  });
});
