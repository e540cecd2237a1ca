(function_item name: (identifier) @name body: (block) @body) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name body: (enum_variant_list) @body) @definition.enum
(trait_item name: (type_identifier) @name body: (declaration_list) @body) @definition.trait
(impl_item trait: (_)? @trait type: [(type_identifier) @name (generic_type type: (type_identifier) @name) (scoped_type_identifier name: (type_identifier) @name) (reference_type type: [(type_identifier) @name (generic_type type: (type_identifier) @name)])]) @scope.impl
(type_item name: (type_identifier) @name) @definition.type
(union_item name: (type_identifier) @name body: (field_declaration_list) @body) @definition.struct
(mod_item name: (identifier) @name body: (declaration_list)) @scope
(macro_definition name: (identifier) @name) @definition.function
