-- Headless Neovim drives leakls through its own LSP client: open a Go file with an unstopped
-- ticker, wait for the diagnostic, apply the preferred quick-fix with vim.lsp.buf.code_action,
-- write, and check the file on disk; then change a setting while the server runs (the diagnostic
-- of a disabled check goes), and write a file outside the editor (file watching: another file's
-- diagnostic appears). Exits non-zero with a message on any failure.
--
-- usage: nvim --headless --clean -c 'luafile ticker.lua' -- (see run.sh; env LEAKLS, LEAKLS_NVIM_DIR, WORKDIR)

local TIMEOUT_MS = tonumber(vim.env.LEAKLS_NVIM_TIMEOUT_MS or '30000')

local TICKER = table.concat({
  'package app',
  '',
  'import "time"',
  '',
  'func poll(d time.Duration) {',
  '\tt := time.NewTicker(d)',
  '\t<-t.C',
  '}',
  '',
}, '\n')
local FIXED = TICKER:gsub('%(d%)\n', '(d)\n\tdefer t.Stop()\n', 1)

-- registry.go reads a package-level map; grow.go, written outside the editor, grows it.
local REGISTRY = 'package app\n\nvar registry = map[string]int{}\n\nfunc lookup(k string) int { return registry[k] }\n'
local GROW = 'package app\n\nimport "net/http"\n\n'
  .. 'func remember(w http.ResponseWriter, r *http.Request) { registry[r.URL.Path] = 1 }\n'

-- The recipe of docs/setup/neovim.md ("Changing settings").
local function set_leakls_settings(settings)
  for _, client in ipairs(vim.lsp.get_clients({ name = 'leakls' })) do
    client.settings = vim.tbl_deep_extend('force', client.settings or {}, { leakls = settings })
    client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  end
end

local function has_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return true
    end
  end
  return false
end

local function log(msg)
  io.stdout:write('nvim-test: ' .. msg .. '\n')
end

local function fail(msg)
  io.stderr:write('nvim-test: FAIL: ' .. msg .. '\n')
  vim.cmd('cquit! 1')
end

local function wait(what, cond)
  log(what)
  local started = vim.uv.hrtime()
  if not vim.wait(TIMEOUT_MS, cond, 50) then
    fail(('timed out after %d ms %s'):format(TIMEOUT_MS, what))
  end
  log(('  ok (%.1f s)'):format((vim.uv.hrtime() - started) / 1e9))
end

local function read(path)
  local f = assert(io.open(path, 'rb'))
  local text = f:read('*a')
  f:close()
  return text
end

local function write(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

local function main()
  local server = assert(vim.env.LEAKLS, 'LEAKLS (the server binary) is not set')
  local plugin = assert(vim.env.LEAKLS_NVIM_DIR, 'LEAKLS_NVIM_DIR (editors/nvim) is not set')
  local dir = assert(vim.env.WORKDIR, 'WORKDIR is not set')
  write(dir .. '/go.mod', 'module example.com/app\n\ngo 1.22\n')
  local file = dir .. '/poll.go'
  write(file, TICKER)

  -- editors/nvim on the runtimepath is how a user installs lsp/leakls.lua; only the binary's path
  -- is overridden here.
  vim.opt.runtimepath:prepend(plugin)
  vim.lsp.config('leakls', { cmd = { server } })
  local config = vim.lsp.config.leakls
  if not (config and vim.deep_equal(config.filetypes, { 'go' })) then
    fail('lsp/leakls.lua was not found on the runtimepath, or does not name the go filetype')
  end
  vim.lsp.enable('leakls')

  vim.cmd.edit(vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= 'go' then
    fail('poll.go has filetype ' .. vim.inspect(vim.bo[buf].filetype) .. ', not go')
  end

  wait('waiting for leakls to attach', function()
    return #vim.lsp.get_clients({ bufnr = buf, name = 'leakls' }) > 0
  end)
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'leakls' })[1]
  if client.root_dir ~= dir then
    fail(('root_dir is %s, expected the folder with go.mod (%s)'):format(client.root_dir, dir))
  end

  local diagnostic
  wait('waiting for the unstopped-ticker diagnostic', function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'unstopped-ticker' then
        diagnostic = d
        return true
      end
    end
    return false
  end)
  if diagnostic.source ~= 'leakls' or diagnostic.lnum ~= 5 or diagnostic.severity ~= vim.diagnostic.severity.WARN then
    fail('unexpected diagnostic: ' .. vim.inspect(diagnostic))
  end
  log('diagnostic: ' .. diagnostic.message)

  -- On the squiggle, as a person would put the cursor; apply the preferred fix.
  vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
  local offered = {}
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      table.insert(offered, action.title)
      return action.isPreferred == true
    end,
  })
  wait('waiting for the quick-fix to edit the buffer', function()
    return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n') .. '\n' == FIXED
  end)
  log('actions offered: ' .. table.concat(offered, ' | '))

  vim.cmd.write()
  if read(file) ~= FIXED then
    fail('poll.go on disk is not the fixed text:\n' .. read(file))
  end
  wait('waiting for the diagnostic to go', function()
    return #vim.diagnostic.get(buf) == 0
  end)

  -- A setting changed while the server runs takes effect.
  local second = dir .. '/second.go'
  write(second, TICKER:gsub('poll', 'second'))
  vim.cmd.edit(vim.fn.fnameescape(second))
  local buf2 = vim.api.nvim_get_current_buf()
  wait('waiting for second.go\'s unstopped-ticker', function()
    return has_code(buf2, 'unstopped-ticker')
  end)
  set_leakls_settings({ disable = { 'unstopped-ticker' } })
  wait('waiting for it to go once the setting disables the check', function()
    return not has_code(buf2, 'unstopped-ticker')
  end)

  -- A file written outside the editor is seen: lsp/leakls.lua asks Neovim to watch files.
  local registry = dir .. '/registry.go'
  write(registry, REGISTRY)
  vim.cmd.edit(vim.fn.fnameescape(registry))
  local buf3 = vim.api.nvim_get_current_buf()
  wait('waiting for leakls to attach to registry.go', function()
    return #vim.lsp.get_clients({ bufnr = buf3, name = 'leakls' }) > 0
  end)
  vim.wait(500)
  if has_code(buf3, 'global-growth') then
    fail('global-growth before anything grows the map')
  end
  write(dir .. '/grow.go', GROW)
  wait('waiting for global-growth in registry.go after grow.go is written on disk', function()
    return has_code(buf3, 'global-growth')
  end)
  log('PASS')
  vim.cmd('qall!')
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  fail(tostring(err))
end
