-- Headless Neovim with lsp/leakls.lua and no leakls binary anywhere (PATH nor ~/.cargo/bin): the
-- user is told so, plainly, instead of finding out from lsp.log. Exits non-zero on failure.
--
-- usage: nvim --headless --clean -c 'luafile missing.lua' (see run.sh; env LEAKLS_NVIM_DIR, WORKDIR)

local said = {}
vim.notify = function(msg, level)
  table.insert(said, { msg = msg, level = level })
end

local function fail(msg)
  io.stderr:write('nvim-test: FAIL: ' .. msg .. '\n')
  vim.cmd('cquit! 1')
end

local function main()
  local plugin = assert(vim.env.LEAKLS_NVIM_DIR, 'LEAKLS_NVIM_DIR (editors/nvim) is not set')
  local dir = assert(vim.env.WORKDIR, 'WORKDIR is not set')
  if vim.fn.executable('leakls') == 1 then
    fail('a leakls is on PATH: this test needs none')
  end
  local file = dir .. '/missing.go'
  local f = assert(io.open(file, 'wb'))
  f:write('package app\n')
  f:close()
  vim.opt.runtimepath:prepend(plugin)
  vim.lsp.enable('leakls')
  vim.cmd.edit(vim.fn.fnameescape(file))
  local found = vim.wait(10000, function()
    for _, m in ipairs(said) do
      if m.msg:find('no leakls binary on PATH or in ~/.cargo/bin', 1, true) and m.level == vim.log.levels.ERROR then
        return true
      end
    end
    return false
  end, 50)
  if not found then
    fail('no message about the missing binary; said: ' .. vim.inspect(said))
  end
  io.stdout:write('nvim-test: a missing binary is reported: ' .. said[1].msg .. '\n')
  io.stdout:write('nvim-test: PASS (missing binary)\n')
  vim.cmd('qall!')
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  fail(tostring(err))
end
