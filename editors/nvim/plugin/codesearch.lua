-- Commands are available even without setup() (defaults apply); call
-- require('codesearch').setup{...} to configure and to auto-attach buffers.
if vim.g.loaded_codesearch then return end
vim.g.loaded_codesearch = true
require('codesearch')._define_commands()
