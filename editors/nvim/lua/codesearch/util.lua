-- Pure helpers (no LSP state): root detection, result formatting, positions.
local M = {}

local uv = vim.loop

--- True when `path` is `dir` or lies below it (both absolute, no trailing '/').
function M.is_under(path, dir)
  if path == nil or dir == nil then return false end
  dir = dir:gsub('/+$', '')
  if dir == '' then return true end -- '/'
  return path == dir or path:sub(1, #dir + 1) == dir .. '/'
end

local function absolute_dir(path)
  local dir = vim.fn.fnamemodify(path, ':p'):gsub('/+$', '')
  if dir == '' then dir = '/' end
  return dir
end

--- Workspace root for `path`: the directory of `path` (or `cwd` when nil/empty)
--- walked upwards until one of `markers` exists in it. Without a marker: `cwd`
--- when it contains `path` (`cd proj; nvim pkg/mod.py` is proj), else the
--- file's directory. `cwd` defaults to the current directory.
function M.find_root(path, markers, cwd)
  cwd = absolute_dir(cwd or uv.cwd())
  local start
  if path == nil or path == '' then
    start = cwd
  else
    local stat = uv.fs_stat(path)
    start = (stat and stat.type == 'directory') and path or vim.fn.fnamemodify(path, ':p:h')
  end
  start = absolute_dir(start)
  local dir = start
  while true do
    for _, marker in ipairs(markers or {}) do
      if uv.fs_stat(dir .. '/' .. marker) then return dir end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir or parent == '' then break end
    dir = parent
  end
  if M.is_under(start, cwd) then return cwd end
  return start
end

--- The root among `roots` (a list) that contains `root`, the outermost one
--- first; nil when none does. One daemon serves nested roots.
--- A root in `roots` that lies inside `root` (the shortest), or nil: the
--- daemon a parent root can reuse by adding itself as a workspace folder.
function M.nested_root(root, roots)
  local best
  for _, r in ipairs(roots) do
    if r ~= root and M.is_under(r, root) and (best == nil or #r < #best) then best = r end
  end
  return best
end

function M.enclosing_root(root, roots)
  local best
  for _, r in ipairs(roots) do
    if M.is_under(root, r) and (best == nil or #r < #best) then best = r end
  end
  return best
end

--- " (indexing, N%)" while the index is incomplete, else ''. `index` is a
--- response's `index` ({files, pending, complete}); `percentage` the latest
--- $/progress percentage, when known.
function M.indexing_note(index, percentage)
  if type(index) ~= 'table' or index.complete ~= false then return '' end
  local pct = percentage
  if pct == nil then
    local files, pending = tonumber(index.files) or 0, tonumber(index.pending) or 0
    pct = (files + pending) > 0 and math.floor(100 * files / (files + pending)) or 0
  end
  return string.format(' (indexing, %d%%)', pct)
end

--- Display name of a result: the qualified name, or, when that name occurs
--- more than once in the list (`counts`: name -> n; e.g. many `TEST`), the
--- first line of its code (its signature).
function M.display_name(result, counts)
  local name = (result.qualifiedName and result.qualifiedName ~= '') and result.qualifiedName or result.name
  if name == nil or name == '' then name = '(anonymous)' end
  if counts and (counts[name] or 0) > 1 then
    local sig = M.one_line(result.preview)
    if sig ~= '' then return sig end
  end
  return name
end

--- name -> number of results carrying it.
function M.name_counts(results)
  local counts = {}
  for _, r in ipairs(results or {}) do
    local name = (r.qualifiedName and r.qualifiedName ~= '') and r.qualifiedName or r.name or ''
    counts[name] = (counts[name] or 0) + 1
  end
  return counts
end

--- Column widths {name, kind} for a picker `width` columns wide: each as wide
--- as its longest value, the name column at most 45% of the width (at least
--- 12), the kind column at most 11; the location gets the rest.
function M.column_widths(results, width, counts)
  local name_w, kind_w = 4, 4
  for _, r in ipairs(results or {}) do
    name_w = math.max(name_w, vim.fn.strdisplaywidth(M.display_name(r, counts)))
    kind_w = math.max(kind_w, #(r.kind or '?'))
  end
  local max_name = math.max(12, math.floor((width or 80) * 0.45))
  return { math.min(name_w, max_name), math.min(kind_w, 11) }
end

--- Path of `fname` relative to `root` (unchanged when outside it).
function M.relative(fname, root)
  if root and root ~= '' then
    local prefix = root:gsub('/+$', '') .. '/'
    if fname:sub(1, #prefix) == prefix then return fname:sub(#prefix + 1) end
  end
  return fname
end

--- "name  kind  path:line" as offered by vim.ui.select (line is 1-based).
function M.format_item(result, root)
  local fname = vim.uri_to_fname(result.uri)
  local name = result.qualifiedName ~= nil and result.qualifiedName ~= '' and result.qualifiedName or result.name
  if name == nil or name == '' then name = '(anonymous)' end
  return string.format('%s  %s  %s:%d', name, result.kind or '?', M.relative(fname, root), result.range.start.line + 1)
end

--- First non-empty line of the preview, whitespace collapsed.
function M.one_line(text)
  for line in ((text or '') .. '\n'):gmatch('([^\n]*)\n') do
    local trimmed = vim.trim(line)
    if trimmed ~= '' then return (trimmed:gsub('%s+', ' ')) end
  end
  return ''
end

--- Text of 0-based `lnum` of a file, from its buffer when loaded, else from disk.
function M.line_text(fname, lnum)
  local bufnr = vim.fn.bufnr(fname)
  if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
    return vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1] or ''
  end
  local i = 0
  local ok, iter = pcall(io.lines, fname)
  if not ok then return '' end
  for line in iter do
    if i == lnum then return line end
    i = i + 1
  end
  return ''
end

--- 0-based byte column of an LSP position's character in `fname`.
function M.byte_col(fname, position, offset_encoding)
  if position.character == 0 then return 0 end
  local line = M.line_text(fname, position.line)
  local ok, col = pcall(vim.str_byteindex, line, position.character, offset_encoding ~= 'utf-8')
  if offset_encoding == 'utf-8' then return math.min(position.character, #line) end
  return ok and col or math.min(position.character, #line)
end

--- A quickfix / picker entry: filename, 1-based lnum and col, text.
function M.to_qf_item(result, offset_encoding)
  local fname = vim.uri_to_fname(result.uri)
  local name = result.qualifiedName ~= nil and result.qualifiedName ~= '' and result.qualifiedName or result.name
  return {
    filename = fname,
    lnum = result.range.start.line + 1,
    col = M.byte_col(fname, result.range.start, offset_encoding) + 1,
    text = string.format('%s [%s] %s', name or '', result.kind or '?', M.one_line(result.preview)),
  }
end

--- The `filters` table to send: nil when empty.
function M.clean_filters(filters)
  if type(filters) ~= 'table' then return nil end
  local out = {}
  for _, key in ipairs({ 'languages', 'paths', 'kinds' }) do
    if type(filters[key]) == 'table' and #filters[key] > 0 then out[key] = filters[key] end
  end
  if filters.excludeTests then out.excludeTests = true end
  if next(out) == nil then return nil end
  return out
end

return M
