; Scala 2 and 3 (tree-sitter-scala).
(class_definition name: (identifier) @name body: (_)? @body) @definition.class
(object_definition name: (identifier) @name body: (_)? @body) @definition.class
(trait_definition name: (identifier) @name body: (_)? @body) @definition.trait
(enum_definition name: (identifier) @name body: (_) @body) @definition.enum
(function_definition name: (identifier) @name body: (_) @body) @definition.function
(function_declaration name: (identifier) @name) @definition.function
; Scala 3 `extension (s: String) def ...`: its methods are qualified by the extended type.
(extension_definition parameters: (parameters (parameter type: (_) @name))) @scope.impl
(package_clause name: (package_identifier) @name body: (template_body)) @scope
