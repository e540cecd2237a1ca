; Lua (@tree-sitter-grammars/tree-sitter-lua).
; function foo() / local function foo() / function M.foo() / function a.b.foo()
(function_declaration name: [(identifier) (dot_index_expression)] @name body: (_)? @body) @definition.function
; function M:foo(): a method of M
(function_declaration name: (method_index_expression table: (_) @receiver method: (identifier) @name) body: (_)? @body) @definition.method
; M.foo = function() ... end, at the top level or in a block, and local foo = function() ... end
(chunk (assignment_statement (variable_list . name: [(identifier) (dot_index_expression)] @name) (expression_list . value: (function_definition body: (_)? @body))) @definition.function)
(block (assignment_statement (variable_list . name: [(identifier) (dot_index_expression)] @name) (expression_list . value: (function_definition body: (_)? @body))) @definition.function)
(variable_declaration (assignment_statement (variable_list . name: (identifier) @name) (expression_list . value: (function_definition body: (_)? @body)))) @definition.function
; { foo = function() ... end }
(field name: (identifier) @name value: (function_definition body: (_)? @body)) @definition.function
