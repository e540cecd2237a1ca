-- End-to-end tests of the Neovim client against the real codesearch daemon.
-- Run through tests/run.sh. Prints "N passed, N failed[, N skipped]" and
-- exits non-zero on failure.
local passed, failed, skipped = 0, 0, 0

local function out(s) io.stdout:write(s .. '\n') io.stdout:flush() end

local function finish()
  out(string.format('nvim: %d passed, %d failed, %d skipped', passed, failed, skipped))
  if failed > 0 then vim.cmd('cquit 1') else vim.cmd('qall!') end
end

local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(string.format('%s: expected %s, got %s', what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

local function truthy(v, what)
  if not v then error((what or 'assertion') .. ' failed', 2) end
end

local function wait(pred, ms, what)
  local ok = vim.wait(ms or 20000, pred, 50)
  if not ok then error('timed out waiting for ' .. what, 2) end
end

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
  else
    failed = failed + 1
    out('not ok - ' .. name .. '\n    ' .. tostring(err):gsub('\n', '\n    '))
  end
end

local function skip(name, why)
  skipped = skipped + 1
  out('skip - ' .. name .. ': ' .. why)
end

local bin = vim.env.CODESEARCH_BIN
if bin == nil or bin == '' or vim.fn.executable(bin) ~= 1 then
  skip('all Neovim e2e tests', 'codesearch daemon not found (set CODESEARCH_BIN or build build/cli/codesearch)')
  -- A missing daemon is a failure when the caller insists on running the tests.
  if vim.env.CODESEARCH_REQUIRE == '1' then failed = failed + 1 end
  finish()
  return
end

-- Fixture workspace ------------------------------------------------------
local root = vim.fn.resolve(vim.fn.tempname() .. '-codesearch-nvim')
local files = {
  ['net/retry.py'] = {
    'import time',
    'import urllib.request',
    '',
    '',
    'def retry_http_request_with_backoff(url, attempts=5, base_delay=0.5):',
    '    """Fetch a URL, retrying failed http requests with exponential backoff."""',
    '    for attempt in range(attempts):',
    '        try:',
    '            return urllib.request.urlopen(url).read()',
    '        except OSError:',
    '            time.sleep(base_delay * (2 ** attempt))',
    '    raise RuntimeError("gave up after retries")',
  },
  ['stats/scores.py'] = {
    'def mean_of_exam_scores(scores):',
    '    total = sum(scores)',
    '    count = len(scores)',
    '    return total / count if count else 0.0',
    '',
    '',
    'def parse_config_file(path):',
    '    with open(path) as handle:',
    '        return dict(line.split("=", 1) for line in handle if "=" in line)',
  },
  ['stats/averages.py'] = {
    'def average_of_sensor_readings(readings):',
    '    total = sum(readings)',
    '    count = len(readings)',
    '    return total / count if count else 0.0',
  },
  ['web/src/cart.ts'] = {
    'export function computeShoppingCartTotal(items: { price: number; qty: number }[]): number {',
    '  return items.reduce((sum, item) => sum + item.price * item.qty, 0);',
    '}',
  },
  ['web/src/i18n.js'] = {
    '// Überschrift: helpers for translated labels',
    'const größe = 1; function übersetzeBeschriftung(label) { return label.toUpperCase(); }',
  },
}
for rel, lines in pairs(files) do
  local path = root .. '/' .. rel
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  vim.fn.writefile(lines, path)
end
vim.fn.writefile({}, root .. '/.codesearchignore') -- the root marker
vim.cmd('cd ' .. vim.fn.fnameescape(root))
vim.cmd('filetype on')

local progress_updates = 0
vim.api.nvim_create_autocmd('User', {
  pattern = 'LspProgressUpdate',
  callback = function() progress_updates = progress_updates + 1 end,
})

-- Record window/showMessage instead of printing it over the test output.
local shown_messages = {}
vim.lsp.handlers['window/showMessage'] = function(_, result) table.insert(shown_messages, result) end

-- Record vim.notify (indexing start/end messages, errors).
local notified = {}
vim.notify = function(msg, level) table.insert(notified, { msg = msg, level = level }) end
local function notified_matching(pat)
  local out = {}
  for _, n in ipairs(notified) do
    if n.msg:match(pat) then table.insert(out, n) end
  end
  return out
end
vim.fn.writefile({ '# fixture' }, root .. '/README.md') -- not a code file: attaches nothing

local cs = require('codesearch')
cs.setup({
  cmd = { bin, 'serve', '--no-model', '--no-cache', '--index-threads', '1' },
  limit = 10,
  mode = 'lexical', -- deterministic without the model
})

-- vim.ui.select / vim.ui.input replaced by recorders (non-interactive path).
local selections = {}
local choose = 1
vim.ui.select = function(items, opts, on_choice)
  local formatted = {}
  for i, item in ipairs(items) do formatted[i] = opts.format_item and opts.format_item(item) or tostring(item) end
  table.insert(selections, { items = items, formatted = formatted, prompt = opts.prompt })
  on_choice(choose and items[choose] or nil, choose)
end
local input_answer
vim.ui.input = function(opts, on_confirm)
  truthy(opts.prompt and opts.prompt:match('Code search'), 'input prompt')
  on_confirm(input_answer)
end

local function client()
  local c = cs.clients()[root]
  return c
end

local function status()
  local result
  cs.status(function(err, s) result = err and { err = err } or s end)
  wait(function() return result ~= nil end, 10000, 'codeSearch/status')
  return result
end

local function search_and_pick(cmd)
  local before = #selections
  vim.cmd(cmd)
  wait(function() return #selections > before end, 15000, 'vim.ui.select from ' .. cmd)
  return selections[#selections]
end

local function cursor_at(rel, line, col)
  eq(vim.api.nvim_buf_get_name(0), root .. '/' .. rel, 'buffer after jump')
  local pos = vim.api.nvim_win_get_cursor(0)
  eq(pos[1], line, 'cursor line')
  if col then eq(pos[2], col, 'cursor column (bytes)') end
end

-- Tests ------------------------------------------------------------------
test(':CodeSearch issued at start-up waits for the daemon; buffers opened meanwhile share one daemon', function()
  -- As `nvim README.md +'CodeSearch ...'`: the first request is made before the daemon is initialized.
  vim.cmd('edit ' .. root .. '/README.md')
  vim.cmd('CodeSearch retry http request with exponential backoff')
  eq(next(cs.clients()), nil, 'not initialized yet')
  -- As `nvim -O a.py b.py`: two code buffers open while the daemon initialises.
  vim.cmd('edit ' .. root .. '/stats/averages.py')
  vim.cmd('vsplit ' .. root .. '/stats/scores.py')
  wait(function()
    return vim.fn.getqflist({ title = 1 }).title:match('^CodeSearch: retry http') ~= nil or #notified_matching('failed') > 0
  end, 20000, 'the start-up query to be answered')
  eq(notified_matching('failed'), {}, 'no failure reported')
  eq(notified_matching('codesearch: nil'), {}, 'no nil client')
  eq(cs.daemon_count(), 1, 'the starting daemon was reused')
  vim.wait(1500) -- a duplicate daemon would have initialized by now
  local running = 0
  for _, c in ipairs(vim.lsp.get_active_clients()) do
    if c.name == 'codesearch' then running = running + 1 end
  end
  eq(running, 1, 'one codesearch client')
  local c = cs.clients()[root]
  truthy(c, 'client registered for the root')
  wait(function()
    return vim.lsp.buf_is_attached(vim.fn.bufnr(root .. '/stats/scores.py'), c.id)
      and vim.lsp.buf_is_attached(vim.fn.bufnr(root .. '/stats/averages.py'), c.id)
  end, 5000, 'both buffers attached to it')
  vim.cmd('only')
end)

test('the daemon starts for the workspace root and finishes indexing, with $/progress', function()
  vim.cmd('edit ' .. root .. '/web/src/cart.ts')
  wait(function() return client() ~= nil and client().initialized ~= false end, 15000, 'client for ' .. root)
  local c = client()
  truthy(vim.lsp.buf_is_attached(0, c.id), 'typescript buffer auto-attached')
  eq(c.config.root_dir, root, 'root_dir')
  local s
  wait(function()
    s = status()
    return s.state == 'idle'
  end, 60000, 'index idle')
  eq(s.files, 5, 'files indexed')
  eq(s.pending, 0, 'pending')
  truthy(s.model == nil or s.model == vim.NIL, 'no model (--no-model)')
  wait(function()
    for _, p in pairs(c.messages.progress) do
      if p.title == 'Indexing' and p.done then return true end
    end
    return false
  end, 30000, 'builtin $/progress handler to record a finished "Indexing" progress')
  local warned = false
  for _, m in ipairs(shown_messages) do
    if m.message:match('no model') then warned = true end
  end
  truthy(warned, 'the daemon warned that it runs without a model')
  truthy(progress_updates >= 2, 'LspProgressUpdate fired for begin and end (' .. progress_updates .. ')')
end)

test(':CodeSearch {query} offers ranked items and jumps to the chosen one', function()
  choose = 1
  local sel = search_and_pick('CodeSearch retry http request with exponential backoff')
  eq(sel.formatted[1], 'retry_http_request_with_backoff  function  net/retry.py:5', 'first item')
  eq(sel.prompt, 'CodeSearch: retry http request with exponential backoff', 'prompt')
  cursor_at('net/retry.py', 5, 0)
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  eq(qf.title, 'CodeSearch: retry http request with exponential backoff', 'quickfix title')
  eq(#qf.items, #sel.items, 'quickfix has every result')
  eq(qf.items[1].lnum, 5, 'quickfix lnum')
  eq(vim.fn.bufname(qf.items[1].bufnr), root .. '/net/retry.py', 'quickfix file')
  truthy(qf.items[1].text:match('retry_http_request_with_backoff %[function%]'), 'quickfix text: ' .. qf.items[1].text)
end)

test(':CodeSearch without argument prompts with vim.ui.input', function()
  input_answer = 'shopping cart total'
  local sel = search_and_pick('CodeSearch')
  eq(sel.items[1].name, 'computeShoppingCartTotal', 'top result')
  cursor_at('web/src/cart.ts', 1, 7) -- the range starts at `function`, after `export `
end)

test('jumping converts UTF-16 columns to byte columns', function()
  local sel = search_and_pick('CodeSearch übersetze beschriftung label')
  eq(sel.items[1].name, 'übersetzeBeschriftung', 'top result')
  -- "const größe = 1; " is 17 UTF-16 code units but 19 bytes.
  eq(sel.items[1].range.start.character, 17, 'utf-16 character from the daemon')
  cursor_at('web/src/i18n.js', 2, 19)
  eq(vim.fn.getqflist()[1].col, 20, 'quickfix col (1-based bytes)')
end)

test(':CodeSearch! fills and opens the quickfix list instead of the selector', function()
  local before = #selections
  vim.cmd('CodeSearch! parse config file')
  -- (an index still busy with the buffers opened so far adds ' (indexing, N%)')
  wait(function() return vim.fn.getqflist({ title = 1 }).title:match('^CodeSearch: parse config file') ~= nil end,
    15000, 'quickfix')
  eq(#selections, before, 'no selector')
  eq(vim.bo.buftype, 'quickfix', 'quickfix window opened')
  eq(vim.fn.getqflist()[1].lnum, 7, 'parse_config_file line')
  vim.cmd('cclose')
end)

test(':CodeSearchSimilar at the cursor finds the similar function, not itself', function()
  vim.cmd('edit ' .. root .. '/stats/scores.py')
  vim.api.nvim_win_set_cursor(0, { 2, 4 }) -- inside mean_of_exam_scores
  local sel = search_and_pick('CodeSearchSimilar')
  truthy(#sel.items > 0, 'similar results')
  eq(sel.items[1].name, 'average_of_sensor_readings', 'most similar')
  for _, item in ipairs(sel.items) do truthy(item.name ~= 'mean_of_exam_scores', 'the function itself is excluded') end
  cursor_at('stats/averages.py', 1, 0)
end)

test(':{range}CodeSearchSimilar uses the selected lines', function()
  vim.cmd('edit ' .. root .. '/stats/scores.py')
  local sel = search_and_pick('1,4CodeSearchSimilar')
  eq(sel.items[1].name, 'average_of_sensor_readings', 'most similar to the selection')
  cursor_at('stats/averages.py', 1, 0)
end)

test('unsaved buffer edits are searchable (incremental sync)', function()
  vim.cmd('edit ' .. root .. '/stats/scores.py')
  vim.api.nvim_buf_set_lines(0, 5, 5, false, {
    'def convert_celsius_to_fahrenheit(celsius):',
    '    return celsius * 9 / 5 + 32',
    '',
  })
  truthy(vim.bo.modified, 'buffer modified, not written')
  local sel
  wait(function()
    sel = search_and_pick('CodeSearch convert celsius to fahrenheit')
    return sel.items[1].name == 'convert_celsius_to_fahrenheit'
  end, 20000, 'the unsaved function to be found')
  cursor_at('stats/scores.py', 6, 0)
  -- Remove it again: it disappears from results.
  vim.api.nvim_buf_set_lines(0, 5, 8, false, {})
  wait(function()
    sel = search_and_pick('CodeSearch convert celsius to fahrenheit')
    for _, item in ipairs(sel.items) do
      if item.name == 'convert_celsius_to_fahrenheit' then return false end
    end
    return true
  end, 20000, 'the removed function to disappear')
  vim.cmd('edit!')
end)

test('superseded requests are cancelled and their answers ignored', function()
  local answers = {}
  local cancel1 = cs.query('retry backoff', nil, function(err, r) table.insert(answers, { 'first', err, r }) end)
  cancel1()
  cs.query('shopping cart total', nil, function(err, r) table.insert(answers, { 'second', err, r }) end)
  wait(function() return #answers >= 1 end, 10000, 'an answer')
  vim.wait(300)
  eq(#answers, 1, 'only the non-cancelled request reports')
  eq(answers[1][1], 'second', 'which one')
  eq(answers[1][3].results[1].name, 'computeShoppingCartTotal', 'its result')
end)

test('util helpers: root detection and item formatting', function()
  local util = require('codesearch.util')
  eq(util.find_root(root .. '/web/src/cart.ts', { '.codesearchignore' }), root, 'root from a nested file')
  eq(util.find_root(root .. '/web/src/cart.ts', { 'no-such-marker' }, '/nonexistent-cwd'), root .. '/web/src',
    'fallback: the file dir')
  eq(util.find_root(root .. '/web/src/cart.ts', { 'no-such-marker' }, root), root, 'fallback: the cwd holding the file')
  eq(util.find_root(root .. '/web/src/cart.ts', { 'no-such-marker' }), root, 'the cwd by default (the test cds to root)')
  eq(util.enclosing_root('/a/b/c', { '/a/b', '/a', '/x' }), '/a', 'outermost enclosing root')
  eq(util.enclosing_root('/ab', { '/a' }), nil, 'component-wise')
  eq(util.indexing_note({ files = 3, pending = 1, complete = false }), ' (indexing, 75%)', 'indexing note from counts')
  eq(util.indexing_note({ files = 3, pending = 1, complete = false }, 40), ' (indexing, 40%)', 'progress percentage wins')
  eq(util.indexing_note({ files = 4, pending = 0, complete = true }), '', 'complete index: no note')
  local tests = {
    { name = 'TEST', qualifiedName = 'TEST', kind = 'function', preview = '\nTEST(Index, Search) {\n  x();' },
    { name = 'TEST', qualifiedName = 'TEST', kind = 'function', preview = 'TEST(Index, Open) {' },
    { name = 'open', qualifiedName = 'Index.open', kind = 'constructor', preview = 'Index::open() {' },
  }
  local counts = util.name_counts(tests)
  eq(util.display_name(tests[1], counts), 'TEST(Index, Search) {', 'repeated name: its signature')
  eq(util.display_name(tests[3], counts), 'Index.open', 'unique name: the qualified name')
  eq(util.column_widths(tests, 100, counts), { 21, 11 }, 'columns sized to the content')
  eq(util.column_widths(tests, 30, counts), { 13, 11 }, 'name column capped at 45% of a narrow window')
  eq(util.relative('/a/b/c.py', '/a'), 'b/c.py', 'relative')
  eq(util.relative('/x/c.py', '/a'), '/x/c.py', 'outside root')
  eq(util.one_line('\n   def f(a,\n   b)'), 'def f(a,', 'one_line')
  eq(util.clean_filters({ languages = {}, paths = { 'src/**' }, excludeTests = false }), { paths = { 'src/**' } }, 'filters')
  eq(util.clean_filters({}), nil, 'empty filters')
  eq(util.format_item({ uri = vim.uri_from_fname('/a/b/c.py'), name = 'f', qualifiedName = 'K.f', kind = 'method',
    range = { start = { line = 9, character = 0 } } }, '/a'), 'K.f  method  b/c.py:10', 'format_item')
end)

test(':checkhealth codesearch reports the daemon and the index', function()
  vim.cmd('silent checkhealth codesearch')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  truthy(text:match('daemon: ' .. vim.pesc(vim.fn.exepath(bin))), 'daemon path in:\n' .. text)
  truthy(text:match('version: codesearch'), 'version line')
  truthy(text:match('idle, 5 files'), 'index state line')
  truthy(text:match('no model loaded'), 'model warning')
  vim.cmd('bwipeout!')
end)

test('indexing is visible: start/end messages, status() for the statusline, indexing note in titles', function()
  eq(#notified_matching('^codesearch: indexing '), 1, 'a start message')
  eq(#notified_matching('^codesearch: index of .* ready'), 1, 'an end message')
  eq(cs.status(), 'codesearch: idle', 'statusline string')
  eq(cs.index_state(root), { state = 'idle' }, 'index_state')
  -- A response from an incomplete index marks the quickfix title.
  cs.present('CodeSearch: x', { results = {}, index = { files = 1, pending = 1, complete = false } }, nil, root, true)
  eq(vim.fn.getqflist({ title = 1 }).title, 'CodeSearch: x (indexing, 50%)', 'quickfix title while indexing')
end)

test('root detection: the cwd holding the file, root_dir option, nested roots reuse the running daemon', function()
  -- A nested marker: its own root, but inside the running root, so the same daemon serves it.
  vim.fn.mkdir(root .. '/nested/pkg', 'p')
  vim.fn.writefile({}, root .. '/nested/pkg/.codesearch')
  vim.fn.writefile({ 'def tokenize_nested_module(text):', '    return text.split()' }, root .. '/nested/pkg/mod.py')
  vim.cmd('edit ' .. root .. '/nested/pkg/mod.py')
  eq(cs.root_for(0), root, 'nested root resolves to the running root')
  eq(cs.daemon_count(), 1, 'no second daemon')
  truthy(vim.lsp.buf_is_attached(0, client().id), 'attached to the root daemon')
  local saved = cs.config.root_dir
  cs.config.root_dir = '/tmp/somewhere/'
  eq(cs.root_for(0), '/tmp/somewhere', 'root_dir string')
  cs.config.root_dir = function(bufnr) return vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':h:h') end
  eq(cs.root_for(0), root, 'root_dir function (its root is inside the running one)')
  cs.config.root_dir = function() return nil end
  eq(cs.root_for(0), root, 'root_dir function returning nil: the default rule')
  cs.config.root_dir = saved
end)

test('nested roots, parent opened second: the parent joins the child\'s daemon as a workspace folder', function()
  local parent = vim.fn.resolve(vim.fn.tempname() .. '-codesearch-parent')
  vim.fn.mkdir(parent .. '/pkg', 'p')
  vim.fn.writefile({}, parent .. '/.codesearch')
  vim.fn.writefile({}, parent .. '/pkg/.codesearch')
  vim.fn.writefile({ 'def child_level_helper(text):', '    return text.strip()' }, parent .. '/pkg/child.py')
  vim.fn.writefile({ 'def parent_level_entry_point(args):', '    return len(args)' }, parent .. '/main.py')
  local before = cs.daemon_count()
  vim.cmd('edit ' .. parent .. '/pkg/child.py')
  eq(cs.root_for(0), parent .. '/pkg', 'the child root')
  cs.attach(0)
  wait(function() return cs.clients()[parent .. '/pkg'] ~= nil end, 20000, 'the child root\'s daemon')
  eq(cs.daemon_count(), before + 1, 'one daemon for the child root')
  vim.cmd('edit ' .. parent .. '/main.py')
  eq(cs.root_for(0), parent, 'the parent root')
  cs.attach(0)
  eq(cs.daemon_count(), before + 1, 'the parent reuses the child\'s daemon')
  local found = false
  wait(function()
    local c = cs.clients()[parent]
    if not c then return false end
    local response = c.request_sync('codeSearch/query', { query = 'parent level entry point', limit = 5 }, 5000, 0)
    local results = response and response.result and response.result.results or {}
    for _, r in ipairs(results) do
      if r.name == 'parent_level_entry_point' then found = true end
    end
    return found
  end, 30000, 'the parent folder to be indexed by the shared daemon')
  truthy(found, 'a function of the parent folder is found')
  vim.cmd('bwipeout! ' .. vim.fn.bufnr(parent .. '/main.py'))
  vim.cmd('bwipeout! ' .. vim.fn.bufnr(parent .. '/pkg/child.py'))
end)

-- Telescope (only when TELESCOPE_PATH and PLENARY_PATH point at checkouts).
local tpath, ppath = vim.env.TELESCOPE_PATH, vim.env.PLENARY_PATH
if not tpath or tpath == '' or not ppath or ppath == '' then
  skip('Telescope picker', 'set TELESCOPE_PATH and PLENARY_PATH (telescope.nvim 0.1.4, plenary.nvim v0.1.4) to run it')
  -- Without Telescope, the extension's own code still runs against a minimal stand-in of the
  -- modules it uses: column layout, signatures for repeated names, the per-answer entry maker.
  test('Telescope extension (stand-in modules): columns sized to the window, signatures for repeated names', function()
    local created = {}
    local stubs = {
      ['telescope'] = { register_extension = function(ext) return ext end },
      ['telescope.pickers'] = { new = function() return { find = function() end } end },
      ['telescope.sorters'] = { Sorter = { new = function(_, o) return o end } },
      ['telescope.config'] = { values = { grep_previewer = function() end, generic_sorter = function() end } },
      ['telescope.pickers.entry_display'] = {
        create = function(o)
          table.insert(created, o)
          return function(cols) return cols end
        end,
      },
      ['telescope.actions.state'] = { get_current_picker = function() return nil end },
    }
    for name, mod in pairs(stubs) do package.loaded[name] = mod end
    local ok, ext = pcall(dofile, vim.api.nvim_get_runtime_file('lua/telescope/_extensions/codesearch.lua', false)[1])
    for name, _ in pairs(stubs) do package.loaded[name] = nil end
    truthy(ok, 'the extension loads: ' .. tostring(not ok and ext))
    local internal = ext.exports._internal
    local results = {
      { uri = vim.uri_from_fname(root .. '/t/a_test.cc'), name = 'TEST', qualifiedName = 'TEST', kind = 'function',
        range = { start = { line = 0, character = 0 } }, preview = 'TEST(Index, Search) {' },
      { uri = vim.uri_from_fname(root .. '/t/a_test.cc'), name = 'TEST', qualifiedName = 'TEST', kind = 'function',
        range = { start = { line = 9, character = 0 } }, preview = 'TEST(Index, Open) {' },
      { uri = vim.uri_from_fname(root .. '/src/index.cc'), name = 'open', qualifiedName = 'Index.open', kind = 'method',
        range = { start = { line = 4, character = 0 } }, preview = 'Result<Index> Index::open() {' },
    }
    local finder = internal._async_finder({
      make_entry_maker = internal._make_entry_maker(root, 'utf-16'),
      send = function(_, cb)
        cb(nil, { results = results, index = { files = 2, pending = 0, complete = true } })
        return function() end
      end,
    })
    local entries = {}
    finder:_find('index', function(e) table.insert(entries, e) end, function() end)
    eq(#entries, 3, 'entries')
    eq(#created, 1, 'one layout per answer')
    local widths = { created[1].items[1].width, created[1].items[2].width }
    local expected = require('codesearch.util').column_widths(results, math.floor(vim.o.columns * 0.4) - 4,
      require('codesearch.util').name_counts(results))
    eq(widths, expected, 'widths from the window and the names')
    truthy(widths[1] ~= 30, 'not the old fixed 30')
    eq(entries[1].display()[1][1], 'TEST(Index, Search) {', 'repeated name shows its signature')
    eq(entries[3].display()[1][1], 'Index.open', 'unique name')
    eq(entries[3].display()[3], 'src/index.cc:5', 'location column')
    eq(entries[2].lnum, 10, 'entry lnum')
  end)
else
  vim.opt.rtp:append(tpath)
  vim.opt.rtp:append(ppath)
  test('Telescope: live picker shows ranked results and opens the selection', function()
    local telescope = require('telescope')
    telescope.setup({})
    telescope.load_extension('codesearch')
    local action_state = require('telescope.actions.state')
    local actions = require('telescope.actions')
    vim.cmd('edit ' .. root .. '/web/src/cart.ts')
    telescope.extensions.codesearch.codesearch({ default_text = 'retry http request with exponential backoff' })
    local picker
    wait(function()
      local buf = vim.api.nvim_get_current_buf()
      if vim.bo[buf].filetype ~= 'TelescopePrompt' then return false end
      picker = action_state.get_current_picker(buf)
      return picker and picker.manager and picker.manager:num_results() > 0
    end, 15000, 'telescope results')
    local first = picker.manager:get_entry(1)
    eq(first.value.name, 'retry_http_request_with_backoff', 'first entry')
    eq(first.lnum, 5, 'entry lnum')
    eq(first.filename, root .. '/net/retry.py', 'entry filename')
    -- Ranking order kept: the daemon's order, not Telescope's fuzzy order.
    local finder = telescope.extensions.codesearch._internal._last_finder
    truthy(finder.requests >= 1, 'requests sent')
    -- Type a new prompt: the picker re-queries.
    local prompt_bufnr = vim.api.nvim_get_current_buf()
    picker:set_prompt('shopping cart total')
    wait(function()
      local e = picker.manager and picker.manager:num_results() > 0 and picker.manager:get_entry(1)
      return e and e.value.name == 'computeShoppingCartTotal'
    end, 15000, 'results for the new prompt')
    vim.wait(200)
    actions.select_default(prompt_bufnr)
    wait(function() return vim.api.nvim_buf_get_name(0) == root .. '/web/src/cart.ts' and vim.bo.filetype ~= 'TelescopePrompt' end,
      5000, 'jump to the selection')
    eq(vim.api.nvim_win_get_cursor(0)[1], 1, 'line')
  end)

  test('Telescope: similar picker lists the similar function first', function()
    local telescope = require('telescope')
    local action_state = require('telescope.actions.state')
    local actions = require('telescope.actions')
    vim.cmd('edit ' .. root .. '/stats/scores.py')
    vim.api.nvim_win_set_cursor(0, { 3, 4 })
    telescope.extensions.codesearch.similar({})
    local picker
    wait(function()
      local buf = vim.api.nvim_get_current_buf()
      if vim.bo[buf].filetype ~= 'TelescopePrompt' then return false end
      picker = action_state.get_current_picker(buf)
      return picker and picker.manager and picker.manager:num_results() > 0
    end, 15000, 'similar results')
    eq(picker.manager:get_entry(1).value.name, 'average_of_sensor_readings', 'first entry')
    actions.close(vim.api.nvim_get_current_buf())
  end)

  test('Telescope: the async finder cancels the superseded request', function()
    local telescope = require('telescope')
    local internal = telescope.extensions.codesearch._internal
    local c = client()
    local util = require('codesearch.util')
    local finder = internal._async_finder({
      entry_maker = function(r) return { value = r, ordinal = r.name, display = r.name } end,
      send = function(prompt, cb) return cs.query(prompt, nil, cb) end,
    })
    local got, completes = {}, 0
    local function process_result(entry) table.insert(got, entry.value.name) end
    local function process_complete() completes = completes + 1 end
    finder:_find('retry http backoff', process_result, process_complete)
    finder:_find('average sensor readings', process_result, process_complete)
    wait(function() return completes >= 1 end, 10000, 'completion')
    vim.wait(300)
    eq(finder.cancelled, 1, 'the first request was cancelled')
    eq(completes, 1, 'only the latest completes')
    eq(got[1], 'average_of_sensor_readings', 'latest results only')
    -- Stale results would be the first query's answer: what arrived is exactly the latest one's.
    local latest = c.request_sync('codeSearch/query', { query = 'average sensor readings', limit = cs.config.limit, mode = cs.config.mode }, 5000, 0)
    local expected = {}
    for _, r in ipairs(latest and latest.result and latest.result.results or {}) do table.insert(expected, r.name) end
    eq(got, expected, 'no stale results')
    truthy(c and util, 'client alive')
  end)
end

-- Shut the daemon down cleanly, then report.
for _, c in pairs(cs.clients()) do cs.client_stop(c) end
vim.wait(3000, function() return next(cs.clients()) == nil end, 50)
finish()
