-- codesearch for Neovim: starts `codesearch serve` (one daemon per workspace
-- root, reused), keeps buffers of supported languages attached so unsaved
-- text is indexed, and presents codeSearch/query and codeSearch/similar
-- results through vim.ui.select + the quickfix list (or Telescope, see
-- lua/telescope/_extensions/codesearch.lua).
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and
-- newer (vim.lsp.start when present).
local util = require('codesearch.util')

local M = {}

-- Client methods: dot-call on 0.7–0.10, method-call (client:request) from 0.11 on.
local colon = vim.fn.has('nvim-0.11') == 1
function M.client_request(client, ...)
  if colon then return client:request(...) end
  return client.request(...)
end
function M.client_cancel(client, id)
  if colon then return client:cancel_request(id) end
  return client.cancel_request(id)
end
function M.client_request_sync(client, ...)
  if colon then return client:request_sync(...) end
  return client.request_sync(...)
end
function M.client_stop(client)
  if colon then return client:stop() end
  return client.stop()
end

local defaults = {
  -- Daemon command; default: $CODESEARCH_BIN or `codesearch` on PATH.
  cmd = nil,
  -- Files/directories marking a workspace root (searched upwards from the buffer).
  root_markers = { '.git', '.hg', '.codesearchignore', '.codesearch' },
  -- Workspace root: nil (markers, then the cwd when it holds the file, then the
  -- file's directory), a path, or function(bufnr) -> path (nil: the default rule).
  root_dir = nil,
  -- vim.notify when indexing starts and ends (see also require('codesearch').status()).
  notify_progress = true,
  limit = 30,
  debounce_ms = 150,
  mode = 'hybrid',
  -- {languages = {...}, paths = {globs}, kinds = {...}, excludeTests = bool}
  filters = nil,
  -- Start the daemon and attach buffers when a supported file is opened.
  autostart = true,
  filetypes = {
    'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'go', 'java', 'rust',
    'c', 'cpp', 'cs', 'ruby', 'php', 'sh', 'bash',
    'kotlin', 'scala', 'swift', 'lua', 'elixir', 'haskell', 'zig',
  },
  -- :CodeSearch fills the quickfix list and opens vim.ui.select; with '!' it opens the quickfix window instead.
  open_quickfix = false,
}

M.config = vim.deepcopy(defaults)

-- root -> { id = client_id, ready = bool, exited = bool, client = client once
-- initialized and registered, waiting = {fn...}, progress = {percentage, message} | nil }
local servers = {}

function M.default_cmd()
  local bin = vim.env.CODESEARCH_BIN
  if bin == nil or bin == '' then bin = 'codesearch' end
  return { bin, 'serve' }
end

local function cmd()
  return M.config.cmd or M.default_cmd()
end

local function is_file_buffer(bufnr)
  return vim.api.nvim_buf_is_valid(bufnr) and vim.bo[bufnr].buftype == '' and vim.api.nvim_buf_get_name(bufnr) ~= ''
end

local function supported(bufnr)
  return vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype)
end

local function running_roots()
  local roots = {}
  for root, s in pairs(servers) do
    if not s.exited then table.insert(roots, root) end
  end
  return roots
end

-- Running or starting daemons, each once (a daemon shared by nested roots has several keys).
local function running_daemons()
  local seen, count = {}, 0
  for _, s in pairs(servers) do
    if not s.exited and not seen[s] then
      seen[s] = true
      count = count + 1
    end
  end
  return count
end

--- Workspace root of a buffer (or of the cwd when the buffer has no file):
--- `root_dir` when configured, else the marker / cwd / file-directory rule;
--- a root inside one whose daemon is already running is that running root.
function M.root_for(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = is_file_buffer(bufnr) and vim.api.nvim_buf_get_name(bufnr) or nil
  local root
  local opt = M.config.root_dir
  if type(opt) == 'function' then
    root = opt(bufnr)
  elseif type(opt) == 'string' and opt ~= '' then
    root = opt
  end
  if root then
    root = vim.fn.fnamemodify(root, ':p'):gsub('/+$', '')
    if root == '' then root = '/' end
  else
    root = util.find_root(name, M.config.root_markers)
  end
  return util.enclosing_root(root, running_roots()) or root
end

-- The state of `root`'s daemon while it runs or starts. 0.7's
-- client_is_stopped() is true for a client that is still initialising, so
-- the state is ours: a daemon counts as gone only after on_exit.
local function state_of(root)
  local s = servers[root]
  if s and not s.exited then return s end
  return nil
end

local function client_of(root)
  local s = state_of(root)
  if s and s.ready then return s.client or vim.lsp.get_client_by_id(s.id), s end
  return nil, s
end

local function progress_handler(root)
  return function(err, result, ctx, config)
    local default = vim.lsp.handlers['$/progress']
    if default then pcall(default, err, result, ctx, config) end
    local s = servers[root]
    local value = result and result.value
    if not s or type(value) ~= 'table' then return end
    if value.kind == 'begin' then
      s.progress = { percentage = value.percentage, message = value.message }
      -- Messages for the first indexing only (edits re-index with a progress of their own).
      if M.config.notify_progress and not s.indexed then
        vim.notify('codesearch: indexing ' .. vim.fn.fnamemodify(root, ':~') .. '…', vim.log.levels.INFO)
      end
    elseif value.kind == 'report' then
      s.progress = s.progress or {}
      if value.percentage then s.progress.percentage = value.percentage end
      if value.message then s.progress.message = value.message end
    elseif value.kind == 'end' then
      s.progress = nil
      if M.config.notify_progress and not s.indexed then
        vim.notify('codesearch: index of ' .. vim.fn.fnamemodify(root, ':~') .. ' ready' ..
          (value.message and (' (' .. value.message .. ')') or ''), vim.log.levels.INFO)
      end
      s.indexed = true
    end
    pcall(vim.cmd, 'redrawstatus')
  end
end

--- The daemon for `root`, starting it when needed. Returns the client once it
--- is initialized (nil while it starts) and its state (nil when it cannot start).
-- A parent of a running root reuses its daemon: the parent becomes another
-- workspace folder of it (workspace/didChangeWorkspaceFolders), so one daemon
-- serves nested roots whichever was opened first.
local function share_with_nested(root)
  local inner = util.nested_root(root, running_roots())
  if not inner then return nil end
  local shared = servers[inner]
  servers[root] = shared
  local function add_folder(err)
    if err then return end
    local c = shared.client or vim.lsp.get_client_by_id(shared.id)
    if c then
      c.notify('workspace/didChangeWorkspaceFolders', {
        event = { added = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } }, removed = {} },
      })
    end
  end
  if shared.ready then add_folder() else table.insert(shared.waiting, add_folder) end
  return shared
end

function M.ensure_client(root, bufnr)
  local s = state_of(root)
  if s then return client_of(root) end
  if share_with_nested(root) then return client_of(root) end
  local state = { ready = false, waiting = {} }
  local config = {
    name = 'codesearch',
    cmd = cmd(),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    -- make_client_capabilities() advertises window.workDoneProgress = true, so the
    -- daemon reports indexing through $/progress (the builtin handler records it;
    -- ours adds status() and the start/end messages).
    capabilities = vim.lsp.protocol.make_client_capabilities(),
    handlers = { ['$/progress'] = progress_handler(root) },
    on_init = function(client)
      -- 0.7 calls on_init before the client is registered (get_client_by_id
      -- is nil until on_init returns): send what waits on the next turn.
      vim.schedule(function()
        if state.exited then return end
        state.client = vim.lsp.get_client_by_id(state.id) or client
        state.ready = true
        local waiting = state.waiting
        state.waiting = {}
        for _, fn in ipairs(waiting) do fn() end
      end)
    end,
    on_exit = function(code, signal)
      state.exited = true
      state.ready = false
      if servers[root] == state then servers[root] = nil end
      local waiting = state.waiting
      state.waiting = {}
      vim.schedule(function()
        for _, fn in ipairs(waiting) do
          pcall(fn, string.format('codesearch daemon exited (code %s, signal %s)', tostring(code), tostring(signal)))
        end
      end)
    end,
  }
  servers[root] = state -- before starting: a buffer attaching meanwhile reuses it
  local id
  if vim.lsp.start and bufnr and is_file_buffer(bufnr) then
    id = vim.lsp.start(config, { bufnr = bufnr })
  else
    id = vim.lsp.start_client(config)
  end
  if not id then
    if servers[root] == state then servers[root] = nil end
    vim.notify('codesearch: cannot start ' .. table.concat(cmd(), ' '), vim.log.levels.ERROR)
    return nil, nil
  end
  state.id = id
  return nil, state
end

local function attach_buffer(bufnr, state)
  if state.id and is_file_buffer(bufnr) and supported(bufnr) and not vim.lsp.buf_is_attached(bufnr, state.id) then
    vim.lsp.buf_attach_client(bufnr, state.id)
  end
end

--- Attaches a buffer to its root's daemon (so its unsaved text is indexed).
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not is_file_buffer(bufnr) or not supported(bufnr) then return end
  local _, state = M.ensure_client(M.root_for(bufnr), bufnr)
  if state then attach_buffer(bufnr, state) end
end

--- Calls fn(client, root) once the daemon for the current buffer's root is
--- initialized and registered, or fn(nil, root, err) if it cannot start.
--- Requests made while it starts wait for it.
function M.with_client(bufnr, fn)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local root = M.root_for(bufnr)
  local client, state = M.ensure_client(root, is_file_buffer(bufnr) and bufnr or nil)
  if not state then return fn(nil, root, 'daemon not started') end
  attach_buffer(bufnr, state)
  if client then return fn(client, root) end
  table.insert(state.waiting, function(err)
    if err then return fn(nil, root, err) end
    local c = state.client or vim.lsp.get_client_by_id(state.id)
    if not c then return fn(nil, root, 'codesearch daemon is not running') end
    fn(c, root)
  end)
end

--- All running (initialized) codesearch clients, by root.
function M.clients()
  local out = {}
  for root, _ in pairs(servers) do
    local c = client_of(root)
    if c then out[root] = c end
  end
  return out
end

--- Number of daemons running or starting (for tests and :checkhealth).
function M.daemon_count()
  return running_daemons()
end

--- Indexing state of a root's daemon: {state = 'starting'|'indexing'|'idle',
--- percentage?, message?}, or nil when none runs for it.
function M.index_state(root)
  local s = state_of(root or M.root_for())
  if not s then return nil end
  if not s.ready then return { state = 'starting' } end
  if s.progress then return { state = 'indexing', percentage = s.progress.percentage, message = s.progress.message } end
  return { state = 'idle' }
end

--- Sends a request; cb(err, result, client, root). Returns a cancel function
--- (client.cancel_request → $/cancelRequest; the answer is then ignored).
function M.request(method, params, cb, bufnr)
  local cancelled = false
  local sent = nil
  M.with_client(bufnr, function(client, root, err)
    if cancelled then return end
    if not client then return cb({ code = -1, message = err }, nil, nil, root) end
    local ok, id = M.client_request(client, method, params, function(rerr, result)
      sent = nil
      if cancelled then return end
      cb(rerr, result, client, root)
    end, bufnr)
    if ok then sent = { client = client, id = id } else cb({ code = -1, message = 'request failed' }, nil, client, root) end
  end)
  return function()
    if cancelled then return end
    cancelled = true
    if sent then
      pcall(M.client_cancel, sent.client, sent.id)
      sent = nil
    end
  end
end

local function query_params(text, opts)
  opts = opts or {}
  return {
    query = text,
    limit = opts.limit or M.config.limit,
    mode = opts.mode or M.config.mode,
    filters = util.clean_filters(opts.filters or M.config.filters),
  }
end

--- codeSearch/query; cb(err, response, client, root). Returns a cancel function.
function M.query(text, opts, cb, bufnr)
  return M.request('codeSearch/query', query_params(text, opts), cb, bufnr)
end

--- Params for codeSearch/similar from the current window: the cursor position,
--- or `range` = {line1, line2} (1-based, inclusive) for a visual selection.
function M.similar_params(range, offset_encoding, opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    limit = opts.limit or M.config.limit,
    filters = util.clean_filters(opts.filters or M.config.filters),
  }
  if range then
    local last = vim.api.nvim_buf_get_lines(bufnr, range[2] - 1, range[2], false)[1] or ''
    local endchar = offset_encoding == 'utf-8' and #last or select(2, vim.str_utfindex(last))
    params.range = { start = { line = range[1] - 1, character = 0 }, ['end'] = { line = range[2] - 1, character = endchar } }
  else
    params.position = vim.lsp.util.make_position_params(0, offset_encoding).position
  end
  return params
end

--- codeSearch/similar for the current buffer; cb as for M.query.
function M.similar(range, opts, cb)
  local bufnr = vim.api.nvim_get_current_buf()
  local cancel_inner
  local cancelled = false
  M.with_client(bufnr, function(client, root, err)
    if cancelled then return end
    if not client then return cb({ code = -1, message = err }, nil, nil, root) end
    local params = M.similar_params(range, client.offset_encoding, opts)
    cancel_inner = M.request('codeSearch/similar', params, cb, bufnr)
  end)
  return function()
    cancelled = true
    if cancel_inner then cancel_inner() end
  end
end

--- M.status(cb[, bufnr]): codeSearch/status of the current root's daemon; cb(err, status).
--- M.status(): a statusline string for the current buffer's daemon ('' when
--- none runs): "codesearch: starting", "codesearch: indexing 42%", "codesearch: idle".
function M.status(cb, bufnr)
  if type(cb) ~= 'function' then
    local ok, st = pcall(M.index_state, nil)
    if not ok or not st then return '' end
    if st.state == 'indexing' then
      return 'codesearch: indexing' .. (st.percentage and string.format(' %d%%', st.percentage) or '')
    end
    return 'codesearch: ' .. st.state
  end
  return M.request('codeSearch/status', vim.empty_dict(), cb, bufnr)
end

--- " (indexing, N%)" for a response whose index is incomplete, else ''.
function M.indexing_note(response, root)
  local s = root and servers[root]
  return util.indexing_note(response and response.index, s and s.progress and s.progress.percentage)
end

--- Jumps to a result (utf-16 positions converted by the builtin helper).
function M.jump(result, offset_encoding)
  local location = { uri = result.uri, range = { start = result.range.start, ['end'] = result.range.start } }
  if vim.lsp.util.show_document then -- 0.10+
    vim.cmd("normal! m'")
    vim.lsp.util.show_document(location, offset_encoding or 'utf-16', { focus = true })
  else
    vim.lsp.util.jump_to_location(location, offset_encoding or 'utf-16')
  end
  vim.cmd('normal! zz')
end

local function qf_items(results, offset_encoding)
  local items = {}
  for _, r in ipairs(results) do table.insert(items, util.to_qf_item(r, offset_encoding)) end
  return items
end

--- Presents results: fills the quickfix list, then vim.ui.select (or opens
--- the quickfix window when `open_qf`); jumps to the chosen result.
function M.present(title, response, client, root, open_qf)
  local results = response and response.results or {}
  local enc = client and client.offset_encoding or 'utf-16'
  title = title .. M.indexing_note(response, root)
  vim.fn.setqflist({}, ' ', { title = title, items = qf_items(results, enc) })
  if #results == 0 then
    vim.notify('codesearch: no results for ' .. title, vim.log.levels.INFO)
    return
  end
  if open_qf then
    vim.cmd('copen')
    return
  end
  vim.ui.select(results, {
    prompt = title,
    kind = 'codesearch',
    format_item = function(r) return util.format_item(r, root) end,
  }, function(choice)
    if choice then M.jump(choice, enc) end
  end)
end

local function report_error(what, err)
  if err and err.code ~= -32800 then
    vim.notify(string.format('codesearch: %s failed: %s', what, err.message or vim.inspect(err)), vim.log.levels.ERROR)
  end
end

--- :CodeSearch [query]
function M.search(text, open_qf)
  local function run(q)
    if q == nil or vim.trim(q) == '' then return end
    M.query(q, nil, function(err, response, client, root)
      if err then return report_error('query', err) end
      M.present('CodeSearch: ' .. q, response, client, root, open_qf or M.config.open_quickfix)
    end)
  end
  if text and vim.trim(text) ~= '' then
    run(text)
  else
    vim.ui.input({ prompt = 'Code search: ' }, run)
  end
end

--- :CodeSearchSimilar (cursor) / :'<,'>CodeSearchSimilar (selection)
function M.search_similar(range, open_qf)
  M.similar(range, nil, function(err, response, client, root)
    if err then return report_error('similar', err) end
    local name = vim.fn.expand('%:t')
    M.present('CodeSearchSimilar: ' .. name, response, client, root, open_qf or M.config.open_quickfix)
  end)
end

local commands_defined = false
function M._define_commands()
  if commands_defined then return end
  commands_defined = true
  vim.api.nvim_create_user_command('CodeSearch', function(o)
    M.search(o.args, o.bang)
  end, { nargs = '*', bang = true, desc = 'Search code by description' })
  vim.api.nvim_create_user_command('CodeSearchSimilar', function(o)
    M.search_similar(o.range == 2 and { o.line1, o.line2 } or nil, o.bang)
  end, { range = true, bang = true, desc = 'Find code similar to the function at the cursor or the selection' })
  vim.api.nvim_create_user_command('CodeSearchStatus', function()
    M.status(function(err, status)
      if err then return report_error('status', err) end
      vim.notify(vim.inspect(status), vim.log.levels.INFO)
    end)
  end, { desc = 'Show the codesearch index state' })
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  M._define_commands()
  local group = vim.api.nvim_create_augroup('codesearch', { clear = true })
  if M.config.autostart then
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = M.config.filetypes,
      callback = function(args) M.attach(args.buf) end,
    })
  end
end

return M
