-- Pure helpers (no LSP state): root detection, result formatting, positions.
local M = {}

local uv = vim.loop

--- Directory of `path` (or the cwd when nil/empty) walked upwards until one of
--- `markers` exists in it. Falls back to the starting directory.
function M.find_root(path, markers)
  local start
  if path == nil or path == '' then
    start = uv.cwd()
  else
    local stat = uv.fs_stat(path)
    start = (stat and stat.type == 'directory') and path or vim.fn.fnamemodify(path, ':p:h')
  end
  start = vim.fn.fnamemodify(start, ':p'):gsub('/+$', '')
  if start == '' then start = '/' end
  local dir = start
  while true do
    for _, marker in ipairs(markers or {}) do
      if uv.fs_stat(dir .. '/' .. marker) then return dir end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir or parent == '' then break end
    dir = parent
  end
  return start
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
