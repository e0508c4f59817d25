-- leakls for Neovim 0.11+: put this folder (editors/nvim) on 'runtimepath', or copy this file to
-- ~/.config/nvim/lsp/leakls.lua, then call vim.lsp.enable('leakls').
--
-- The server's settings go under settings.leakls (they answer workspace/configuration for the
-- `leakls` section); the keys are defined by the server (see its README, section on configuration):
--   vim.lsp.config('leakls', { settings = { leakls = { ... } } })

---@type vim.lsp.Config
return {
  cmd = { 'leakls' },
  filetypes = { 'go' },
  root_markers = { 'go.work', 'go.mod', '.git' },
  settings = { leakls = vim.empty_dict() },
}
