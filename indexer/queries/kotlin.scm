; Kotlin (tree-sitter-kotlin). `enum class` has both the "enum" and "class"
; keywords, so classes are told apart from enums by their body.
(class_declaration "class" (type_identifier) @name (class_body) @body) @definition.class
(class_declaration "class" (type_identifier) @name .) @definition.class
(class_declaration "class" (type_identifier) @name [(primary_constructor) (delegation_specifier) (type_constraints)] .) @definition.class
(class_declaration "interface" (type_identifier) @name) @definition.interface
(class_declaration (type_identifier) @name (enum_class_body) @body) @definition.enum
(object_declaration (type_identifier) @name (class_body)? @body) @definition.class
; Extension functions (`fun String.isBlank()`) are qualified by their receiver type.
(function_declaration (user_type (type_identifier) @receiver) . (simple_identifier) @name (function_body)? @body) @definition.function
(function_declaration (nullable_type (user_type (type_identifier) @receiver)) . (simple_identifier) @name (function_body)? @body) @definition.function
(function_declaration . (modifiers)? . (type_parameters)? . (simple_identifier) @name (function_body)? @body) @definition.function
