// Serves `codesearch mcp` (stdio) over MCP's Streamable HTTP transport, so that
// the HTTP-only conformance suite (@modelcontextprotocol/conformance, `server
// --url`) can test it. One codesearch process per session. Not part of CI.
//   CODESEARCH_BIN=... node conformance-bridge.mjs PORT ROOT
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const [port = '3999', root = process.cwd()] = process.argv.slice(2);
const BIN = process.env.CODESEARCH_BIN ?? 'codesearch';
const sessions = new Map();

async function newSession() {
  const child = new StdioClientTransport({ command: BIN, args: ['mcp', '--no-cache', '--root', root], stderr: 'ignore' });
  const front = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => sessions.set(id, front),
  });
  front.onmessage = (message) => child.send(message);
  child.onmessage = (message) => front.send(message, 'id' in message && !('method' in message) ? { relatedRequestId: message.id } : undefined);
  front.onclose = () => {
    if (front.sessionId) sessions.delete(front.sessionId);
    child.close();
  };
  await child.start();
  await front.start();
  return front;
}

http
  .createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const parsed = body ? JSON.parse(body) : undefined;
    const id = req.headers['mcp-session-id'];
    let transport = id ? sessions.get(id) : undefined;
    if (!transport) {
      if (id || parsed?.method !== 'initialize') {
        res.writeHead(400).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'no session' } }));
        return;
      }
      transport = await newSession();
    }
    await transport.handleRequest(req, res, parsed);
  })
  .listen(Number(port), '127.0.0.1');
