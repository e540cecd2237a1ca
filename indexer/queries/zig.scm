; Zig (@tree-sitter-grammars/tree-sitter-zig). Containers are anonymous
; expressions bound to a const: `const Name = struct { ... };`.
(variable_declaration (identifier) @name (struct_declaration) @body) @definition.struct
(variable_declaration (identifier) @name (union_declaration) @body) @definition.struct
(variable_declaration (identifier) @name (opaque_declaration) @body) @definition.struct
(variable_declaration (identifier) @name (enum_declaration) @body) @definition.enum
(function_declaration name: (identifier) @name body: (block) @body) @definition.function
; test "name" { ... } and test name { ... }
(test_declaration [(string (string_content) @name) (identifier) @name] (block) @body) @definition.function
