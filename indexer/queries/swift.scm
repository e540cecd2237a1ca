; Swift (tree-sitter-swift). One node type, class_declaration, holds classes,
; structs, enums, actors and extensions; its declaration_kind tells them apart.
(class_declaration declaration_kind: "class" name: (type_identifier) @name body: (_) @body) @definition.class
(class_declaration declaration_kind: "actor" name: (type_identifier) @name body: (_) @body) @definition.class
(class_declaration declaration_kind: "struct" name: (type_identifier) @name body: (_) @body) @definition.struct
(class_declaration declaration_kind: "enum" name: (type_identifier) @name body: (_) @body) @definition.enum
; Extensions are scopes, like Rust impl blocks: their members are methods of the extended type.
(class_declaration declaration_kind: "extension" name: (user_type (type_identifier) @name)) @scope.impl
(protocol_declaration name: (type_identifier) @name body: (_) @body) @definition.interface
; No @body: a second child pattern here makes the query take 1.5 s to compile
; (the signature is then the declaration's first line, up to its `{`).
(function_declaration name: (simple_identifier) @name) @definition.function
(protocol_function_declaration name: (simple_identifier) @name) @definition.method
(init_declaration "init" @name body: (function_body) @body) @definition.constructor
