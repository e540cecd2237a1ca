; Elixir (tree-sitter-elixir). Definitions are calls: `defmodule Name do`,
; `def name(args) do` / `def name(args), do: ...` / `def name(args) when guard`.
(call target: (identifier) @_keyword (arguments . (alias) @name) (do_block) @body (#any-of? @_keyword "defmodule" "defimpl")) @definition.class
(call target: (identifier) @_keyword (arguments . (alias) @name) (do_block) @body (#eq? @_keyword "defprotocol")) @definition.interface
(call target: (identifier) @_keyword (arguments . [(call target: (identifier) @name) (identifier) @name (binary_operator left: (call target: (identifier) @name) operator: "when")]) (do_block)? @body (#any-of? @_keyword "def" "defp" "defmacro" "defmacrop" "defguard" "defguardp" "defdelegate" "defn" "defnp")) @definition.function
