-- Telescope live picker for codesearch:
--   require('telescope').load_extension('codesearch')
--   :Telescope codesearch            (query as you type)
--   :Telescope codesearch similar    (code similar to the function at the cursor)
--
-- The finder is asynchronous: each prompt change sends codeSearch/query and
-- returns at once; the request it supersedes is cancelled
-- (client.cancel_request → $/cancelRequest) and a late answer is dropped
-- (by our sequence number, and by Telescope's own find id). Results keep the
-- daemon's ranking (the sorter scores by rank and never filters).
local has_telescope, telescope = pcall(require, 'telescope')
if not has_telescope then error('codesearch: this extension requires telescope.nvim') end

local pickers = require('telescope.pickers')
local sorters = require('telescope.sorters')
local conf = require('telescope.config').values
local entry_display = require('telescope.pickers.entry_display')
local cs = require('codesearch')
local util = require('codesearch.util')

local ext_config = {}

local function make_entry_maker(root, offset_encoding)
  local displayer = entry_display.create({
    separator = '  ',
    items = { { width = 30 }, { width = 9 }, { remaining = true } },
  })
  return function(result)
    local item = util.to_qf_item(result, offset_encoding)
    local name = (result.qualifiedName and result.qualifiedName ~= '') and result.qualifiedName or result.name
    local where = string.format('%s:%d', util.relative(item.filename, root), item.lnum)
    return {
      value = result,
      ordinal = name .. ' ' .. where,
      display = function()
        return displayer({ { name, 'TelescopeResultsFunction' }, { result.kind, 'TelescopeResultsComment' }, where })
      end,
      filename = item.filename,
      lnum = item.lnum,
      col = item.col,
      text = item.text,
    }
  end
end

-- Rank order: score = position in the daemon's answer (lower is better).
local function rank_sorter()
  return sorters.Sorter:new({
    scoring_function = function(_, _, _, entry) return entry.index or 1 end,
  })
end

--- A Telescope finder whose _find does not block: answers arrive through
--- the LSP callback. Exposed for tests.
local function async_finder(opts)
  local finder = { seq = 0, cancel = nil, requests = 0, cancelled = 0 }
  finder.entry_maker = opts.entry_maker
  function finder:_find(prompt, process_result, process_complete)
    self.seq = self.seq + 1
    local seq = self.seq
    if self.cancel then
      self.cancel()
      self.cancelled = self.cancelled + 1
      self.cancel = nil
    end
    if not opts.allow_empty and (prompt == nil or vim.trim(prompt) == '') then
      process_complete()
      return
    end
    self.requests = self.requests + 1
    self.cancel = opts.send(prompt, function(err, response)
      if seq ~= self.seq then return end -- superseded
      self.cancel = nil
      if err then
        if err.code ~= -32800 then
          vim.notify('codesearch: ' .. (err.message or vim.inspect(err)), vim.log.levels.WARN)
        end
        process_complete()
        return
      end
      for i, r in ipairs(response.results or {}) do
        local entry = self.entry_maker(r)
        entry.index = i
        if process_result(entry) then return end
      end
      process_complete()
    end)
  end
  function finder:close()
    self.seq = self.seq + 1
    if self.cancel then self.cancel() end
    self.cancel = nil
  end
  return setmetatable(finder, {
    __call = function(t, ...) return t:_find(...) end,
  })
end

local function open_picker(opts, title, finder)
  opts = opts or {}
  pickers.new(opts, {
    prompt_title = title,
    finder = finder,
    sorter = rank_sorter(),
    previewer = conf.grep_previewer(opts),
    debounce = opts.debounce or ext_config.debounce_ms or cs.config.debounce_ms,
  }):find()
end

local function with_client(fn)
  local bufnr = vim.api.nvim_get_current_buf()
  cs.with_client(bufnr, function(client, root, err)
    if not client then
      vim.notify('codesearch: ' .. tostring(err), vim.log.levels.ERROR)
      return
    end
    fn(client, root, bufnr)
  end)
end

local M = {}

--- Live search: queries the daemon as you type.
function M.codesearch(opts)
  opts = opts or {}
  with_client(function(client, root, bufnr)
    local finder = async_finder({
      entry_maker = make_entry_maker(root, client.offset_encoding),
      send = function(prompt, cb)
        return cs.query(prompt, { limit = opts.limit or ext_config.limit, filters = opts.filters or ext_config.filters,
          mode = opts.mode or ext_config.mode }, cb, bufnr)
      end,
    })
    M._last_finder = finder
    open_picker(opts, 'Code Search', finder)
  end)
end

--- Code similar to the function at the cursor (or opts.range = {line1, line2}).
function M.similar(opts)
  opts = opts or {}
  with_client(function(client, root, bufnr)
    local params = cs.similar_params(opts.range, client.offset_encoding, { limit = opts.limit or ext_config.limit })
    local response_cache
    local finder = async_finder({
      entry_maker = make_entry_maker(root, client.offset_encoding),
      allow_empty = true,
      -- The similar query does not depend on the prompt: ask once, then let the
      -- prompt narrow the list with Telescope's generic sorter.
      send = function(_, cb)
        if response_cache then
          cb(nil, response_cache)
          return function() end
        end
        return cs.request('codeSearch/similar', params, function(err, response)
          if not err then response_cache = response end
          cb(err, response)
        end, bufnr)
      end,
    })
    M._last_finder = finder
    opts.sorter = nil
    pickers.new(opts, {
      prompt_title = 'Similar Code',
      finder = finder,
      sorter = conf.generic_sorter(opts),
      previewer = conf.grep_previewer(opts),
    }):find()
  end)
end

M._async_finder = async_finder

return telescope.register_extension({
  setup = function(config) ext_config = config or {} end,
  exports = {
    codesearch = M.codesearch,
    similar = M.similar,
    _internal = M,
  },
})
