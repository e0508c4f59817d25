-- leakls for Neovim 0.11+: put this folder (editors/nvim) on 'runtimepath', or copy this file to
-- ~/.config/nvim/lsp/leakls.lua, then call vim.lsp.enable('leakls').
--
-- The server's settings go under settings.leakls (they answer workspace/configuration for the
-- `leakls` section); the keys are defined by the server (see its README, section on configuration):
--   vim.lsp.config('leakls', { settings = { leakls = { ... } } })
-- To change them while it runs, see docs/setup/neovim.md ("Changing settings").

-- `leakls` on PATH, else Cargo's bin folder, where `cargo install` puts it (a Neovim started from
-- a desktop menu may not have a terminal's PATH).
local function find_leakls()
  if vim.fn.executable('leakls') == 1 then
    return 'leakls'
  end
  local cargo_home = vim.env.CARGO_HOME or vim.fs.joinpath(vim.uv.os_homedir() or '~', '.cargo')
  local cargo = vim.fs.joinpath(cargo_home, 'bin', 'leakls')
  if vim.fn.executable(cargo) == 1 then
    return cargo
  end
  return nil
end

---@type vim.lsp.Config
return {
  -- A function, so that a missing binary is said plainly (Neovim alone only writes lsp.log).
  -- `vim.lsp.config('leakls', { cmd = { '/path/to/leakls' } })` replaces it.
  cmd = function(dispatchers)
    local exe = find_leakls()
    if not exe then
      vim.notify_once(
        'leakls: no leakls binary on PATH or in ~/.cargo/bin. Install it with `cargo install --path .` '
          .. 'in the leakls repository, or give its path: '
          .. "vim.lsp.config('leakls', { cmd = { '/path/to/leakls' } })",
        vim.log.levels.ERROR
      )
      exe = 'leakls'
    end
    return vim.lsp.rpc.start({ exe }, dispatchers)
  end,
  filetypes = { 'go' },
  root_markers = { 'go.work', 'go.mod', '.git' },
  settings = { leakls = vim.empty_dict() },
  -- Neovim 0.11 offers file watching on Linux only when asked: without it, files changed outside
  -- the editor (a git checkout, a generator) are not seen until they are opened.
  capabilities = {
    workspace = { didChangeWatchedFiles = { dynamicRegistration = true } },
  },
}
