-- :checkhealth codesearch
local M = {}

local health = vim.health or require('health')
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error
local info = health.info or health.report_info

function M.check()
  local cs = require('codesearch')
  start('codesearch daemon')
  local cmd = cs.config.cmd or cs.default_cmd()
  local bin = cmd[1]
  local path = vim.fn.exepath(bin)
  if path == '' then
    error(string.format("daemon '%s' not found or not executable", bin), {
      'Build it (build/cli/codesearch) and set $CODESEARCH_BIN, put it on PATH, or pass setup{cmd = {...}}',
    })
    return
  end
  ok('daemon: ' .. path)
  local out = vim.fn.system({ path, '--version' })
  if vim.v.shell_error == 0 then
    ok('version: ' .. vim.trim(out))
  else
    error('`' .. path .. ' --version` failed: ' .. vim.trim(out))
  end

  start('codesearch index')
  local clients = cs.clients()
  if next(clients) == nil then
    info('no daemon running in this session (open a supported file or run :CodeSearch)')
    return
  end
  for root, client in pairs(clients) do
    local resp = cs.client_request_sync(client, 'codeSearch/status', vim.empty_dict(), 5000)
    if not resp or resp.err then
      error(string.format('%s: codeSearch/status failed: %s', root, vim.inspect(resp and resp.err or 'timeout')))
    else
      local s = resp.result
      local line = string.format('%s: %s, %d files, %d chunks, %d pending (daemon %s)', root, s.state, s.files, s.chunks,
        s.pending, s.version)
      if s.state == 'idle' then ok(line) else info(line) end
      if s.model == nil or s.model == vim.NIL then
        warn(root .. ': no model loaded: lexical ranking only' ..
          ((s.modelError and s.modelError ~= vim.NIL) and (' (' .. s.modelError .. ')') or ''))
      else
        ok(string.format('%s: model %s (dim %d) on %s', root, s.model.id, s.model.dim, s.model.device))
      end
    end
  end
end

return M
