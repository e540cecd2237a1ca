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

-- Width of the results window: the open picker's, else an estimate from the
-- default horizontal layout (80% of the screen, half of it for the results).
local function results_width()
  local ok, action_state = pcall(require, 'telescope.actions.state')
  if ok then
    local picker = action_state.get_current_picker(vim.api.nvim_get_current_buf())
    if picker and picker.results_win and vim.api.nvim_win_is_valid(picker.results_win) then
      return vim.api.nvim_win_get_width(picker.results_win)
    end
  end
  return math.floor(vim.o.columns * 0.4)
end

--- make(results) -> entry_maker for that answer: columns sized to the window
--- and the names in it; a name that repeats (many `TEST`) shows its signature.
local function make_entry_maker(root, offset_encoding)
  return function(results)
    local counts = util.name_counts(results)
    local widths = util.column_widths(results, results_width() - 4, counts)
    local displayer = entry_display.create({
      separator = '  ',
      items = { { width = widths[1] }, { width = widths[2] }, { remaining = true } },
    })
    return function(result)
      local item = util.to_qf_item(result, offset_encoding)
      local name = util.display_name(result, counts)
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
  -- opts.make_entry_maker(results) -> entry_maker, per answer (column widths); else opts.entry_maker.
  finder.make_entry_maker = opts.make_entry_maker
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
      if opts.on_response then opts.on_response(response) end
      local results = response.results or {}
      local maker = self.make_entry_maker and self.make_entry_maker(results) or self.entry_maker
      for i, r in ipairs(results) do
        local entry = maker(r)
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
  local picker = pickers.new(opts, {
    prompt_title = title,
    results_title = 'Results',
    finder = finder,
    sorter = rank_sorter(),
    previewer = conf.grep_previewer(opts),
    debounce = opts.debounce or ext_config.debounce_ms or cs.config.debounce_ms,
  })
  picker:find()
  return picker
end

-- Marks the results window's title "Results (indexing, N%)" while the index is incomplete.
local function title_updater(root, base)
  return function(response)
    local note = cs.indexing_note(response, root)
    local ok, action_state = pcall(require, 'telescope.actions.state')
    if not ok then return end
    local picker = action_state.get_current_picker(vim.api.nvim_get_current_buf())
    if not picker then return end
    local border = picker.results_border
    if border and border.change_title then pcall(border.change_title, border, base .. note) end
  end
end

-- fn(client, root, bufnr) once the daemon is initialized (the picker waits for a starting daemon).
local function with_client(fn)
  local bufnr = vim.api.nvim_get_current_buf()
  cs.with_client(bufnr, function(client, root, err)
    if not client then
      vim.notify('codesearch: ' .. tostring(err or 'daemon not started'), vim.log.levels.ERROR)
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
      make_entry_maker = make_entry_maker(root, client.offset_encoding),
      on_response = title_updater(root, 'Results'),
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
      make_entry_maker = make_entry_maker(root, client.offset_encoding),
      on_response = title_updater(root, 'Results'),
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
      results_title = 'Results',
      finder = finder,
      sorter = conf.generic_sorter(opts),
      previewer = conf.grep_previewer(opts),
    }):find()
  end)
end

M._async_finder = async_finder
M._make_entry_maker = make_entry_maker

return telescope.register_extension({
  setup = function(config) ext_config = config or {} end,
  exports = {
    codesearch = M.codesearch,
    similar = M.similar,
    _internal = M,
  },
})
