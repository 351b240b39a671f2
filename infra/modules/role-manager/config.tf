###############################################################################
# The layout config: one of role_manager_config (YAML/JSON text), layout (an HCL
# object) or layout_file (a YAML/JSON file), validated at plan time against the
# JSON Schema kept beside this file (a byte-for-byte copy of
# schema/role-manager.schema.json; a test keeps them equal), then handed to the
# function in ROLE_MANAGER_CONFIG.
#
# Terraform has no JSON Schema validator, so the rules below read the schema's
# own properties, required keys, types, enums, lengths, minimums, reserved-name
# patterns and uniqueItems: a key added to the schema is known here at once.
###############################################################################

locals {
  layout_inputs = {
    role_manager_config = var.role_manager_config
    layout              = var.layout == null ? null : "given"
    layout_file         = var.layout_file
  }
  layout_inputs_given = sort([for name, value in local.layout_inputs : name if value != null])

  # The decoded layout (null: the default layout from the DB_*/*_USER variables).
  # (A tuple, not a conditional: the three may hold objects of different types.)
  layouts_given = [
    for layout in [
      var.layout,
      var.layout_file == null ? null : yamldecode(file(var.layout_file)),
      var.role_manager_config == null ? null : yamldecode(var.role_manager_config),
    ] : layout if layout != null
  ]
  layout = length(local.layouts_given) == 0 ? null : local.layouts_given[0]
  # What the function receives in ROLE_MANAGER_CONFIG: the decoded layout re-encoded, so comments and
  # formatting do not count as a change. YAML (Terraform writes "key": value with a space) rather than
  # compact JSON, whose "key":value the function's YAML parser may reject.
  role_manager_config_text = local.layout == null ? null : yamlencode(local.layout)

  layout_schema = jsondecode(file("${path.module}/role-manager.schema.json"))

  # $defs with their own $ref resolved (the schema's chains are one link deep: roleName -> name).
  schema_defs_raw = local.layout_schema["$defs"]
  schema_defs = {
    for name, def in local.schema_defs_raw :
    name => merge(try(local.schema_defs_raw[trimprefix(def["$ref"], "#/$defs/")], {}), { for k, v in def : k => v if k != "$ref" })
  }

  # The JSON kind of a value: string, number, boolean, array, object or null.
  json_kinds = { "\"" = "string", "[" = "array", "{" = "object", "t" = "boolean", "f" = "boolean", "n" = "null" }

  # Level 1: the document itself.
  layout_level1 = local.layout == null ? [] : [{ path = "", value = local.layout, spec = local.layout_schema }]

  layout_level1_entries = flatten([
    for o in local.layout_level1 : [
      for key, value in try(o.value, {}) : {
        path  = o.path == "" ? key : "${o.path}.${key}"
        key   = key
        value = value
        kind  = lookup(local.json_kinds, substr(jsonencode(value), 0, 1), "number")
        spec  = try(merge(try(local.schema_defs[trimprefix(o.spec.properties[key]["$ref"], "#/$defs/")], {}), o.spec.properties[key]), null)
        known = sort(keys(o.spec.properties))
      }
    ] if lookup(local.json_kinds, substr(jsonencode(o.value), 0, 1), "number") == "object"
  ])

  # Level 2: items of the document's arrays of objects (schemas[i], roles[i]).
  layout_level2 = flatten([
    for e in local.layout_level1_entries : try([
      for i, item in e.value : { path = "${e.path}[${i}]", value = item, spec = e.spec.items }
      if lookup(local.json_kinds, substr(jsonencode(item), 0, 1), "number") == "object"
    ], []) if try(e.spec.items.type, "") == "object" && e.kind == "array"
  ])

  layout_level2_entries = flatten([
    for o in local.layout_level2 : [
      for key, value in o.value : {
        path  = "${o.path}.${key}"
        key   = key
        value = value
        kind  = lookup(local.json_kinds, substr(jsonencode(value), 0, 1), "number")
        spec  = try(merge(try(local.schema_defs[trimprefix(o.spec.properties[key]["$ref"], "#/$defs/")], {}), o.spec.properties[key]), null)
        known = sort(keys(o.spec.properties))
      }
    ]
  ])

  # Level 3: items of those objects' arrays of objects (roles[i].grants[j]).
  layout_level3 = flatten([
    for e in local.layout_level2_entries : try([
      for i, item in e.value : { path = "${e.path}[${i}]", value = item, spec = e.spec.items }
      if lookup(local.json_kinds, substr(jsonencode(item), 0, 1), "number") == "object"
    ], []) if try(e.spec.items.type, "") == "object" && e.kind == "array"
  ])

  layout_level3_entries = flatten([
    for o in local.layout_level3 : [
      for key, value in o.value : {
        path  = "${o.path}.${key}"
        key   = key
        value = value
        kind  = lookup(local.json_kinds, substr(jsonencode(value), 0, 1), "number")
        spec  = try(merge(try(local.schema_defs[trimprefix(o.spec.properties[key]["$ref"], "#/$defs/")], {}), o.spec.properties[key]), null)
        known = sort(keys(o.spec.properties))
      }
    ]
  ])

  # Level 4: items of a grant's arrays of objects (roles[i].grants[j].tables[k], .columns[k]); in a cluster config,
  # a database role's grants (databases[i].roles[j].grants[k]).
  layout_level4 = flatten([
    for e in local.layout_level3_entries : try([
      for i, item in e.value : { path = "${e.path}[${i}]", value = item, spec = e.spec.items }
      if lookup(local.json_kinds, substr(jsonencode(item), 0, 1), "number") == "object"
    ], []) if try(e.spec.items.type, "") == "object" && e.kind == "array"
  ])

  layout_level4_entries = flatten([
    for o in local.layout_level4 : [
      for key, value in o.value : {
        path  = "${o.path}.${key}"
        key   = key
        value = value
        kind  = lookup(local.json_kinds, substr(jsonencode(value), 0, 1), "number")
        spec  = try(merge(try(local.schema_defs[trimprefix(o.spec.properties[key]["$ref"], "#/$defs/")], {}), o.spec.properties[key]), null)
        known = sort(keys(o.spec.properties))
      }
    ]
  ])

  # Level 5: in a cluster config, the tables and columns of a database role's grants (databases[i].roles[j].grants[k].tables[l]).
  layout_level5 = flatten([
    for e in local.layout_level4_entries : try([
      for i, item in e.value : { path = "${e.path}[${i}]", value = item, spec = e.spec.items }
      if lookup(local.json_kinds, substr(jsonencode(item), 0, 1), "number") == "object"
    ], []) if try(e.spec.items.type, "") == "object" && e.kind == "array"
  ])

  layout_level5_entries = flatten([
    for o in local.layout_level5 : [
      for key, value in o.value : {
        path  = "${o.path}.${key}"
        key   = key
        value = value
        kind  = lookup(local.json_kinds, substr(jsonencode(value), 0, 1), "number")
        spec  = try(merge(try(local.schema_defs[trimprefix(o.spec.properties[key]["$ref"], "#/$defs/")], {}), o.spec.properties[key]), null)
        known = sort(keys(o.spec.properties))
      }
    ]
  ])

  layout_objects = concat(local.layout_level1, local.layout_level2, local.layout_level3, local.layout_level4, local.layout_level5)
  layout_entries = concat(local.layout_level1_entries, local.layout_level2_entries, local.layout_level3_entries, local.layout_level4_entries, local.layout_level5_entries)

  # A cluster config (the schema's "if": databases given): the keys its "then" sets to false are per database, at the top
  # level and on the top-level roles. The loader's messages say where each belongs; these say the same.
  layout_is_cluster = local.layout != null && alltrue([for key in try(local.layout_schema["if"].required, []) : can(local.layout[key])])
  cluster_forbidden_top_keys = [
    for key, spec in try(local.layout_schema["then"].properties, {}) : key if jsonencode(spec) == "false"
  ]
  cluster_forbidden_role_keys = [
    for key, spec in try(local.layout_schema["then"].properties.roles.items.properties, {}) : key if jsonencode(spec) == "false"
  ]
  # The keys a top-level role has (cluster-wide) that a database's role entry does not.
  cluster_wide_role_keys = setsubtract(
    keys(local.layout_schema.properties.roles.items.properties),
    keys(try(local.layout_schema.properties.databases.items.properties.roles.items.properties, {})),
  )
  cluster_problems = !local.layout_is_cluster ? [] : concat(
    [
      for key in local.cluster_forbidden_top_keys : key == "database"
      ? "database: a cluster config names its databases under 'databases' (- name: ...): remove 'database'"
      : "${key}: '${key}' belongs to one database in a cluster config: write it under that entry of 'databases'"
      if can(local.layout[key])
    ],
    flatten([
      for i, role in try(tolist(local.layout.roles), try([for r in local.layout.roles : r], [])) : [
        for key in local.cluster_forbidden_role_keys :
        "roles[${i}].${key}: '${key}' is per database in a cluster config: write it under 'databases', in the entry { name: ${try(role.name, "NAME")} } of each database's 'roles' where it applies"
        if can(role[key])
      ]
    ]),
    # Cross-references the schema cannot express (the loader checks the same).
    flatten([
      for i, database in try([for d in local.layout.databases : d], []) : concat(
        [
          for j, entry in try([for r in database.roles : r], []) :
          "databases[${i}].roles[${j}].name: role \"${entry.name}\" is not declared under the top-level 'roles': declare it there (with its cluster-wide keys), then what it has in this database here"
          if can(tostring(entry.name)) && !contains(try([for r in local.layout.roles : tostring(r.name)], []), try(tostring(entry.name), ""))
        ],
        [
          for j, entry in try([for r in database.roles : r], []) :
          "databases[${i}].roles[${j}].name: role \"${entry.name}\" is listed twice in this database"
          if can(tostring(entry.name)) && try(index([for r in database.roles : try(tostring(r.name), "")], tostring(entry.name)), j) != j
        ],
        [
          for _ in [1] : "databases[${i}].name: database \"${database.name}\" is listed twice"
          if can(tostring(database.name)) && try(index([for d in local.layout.databases : try(tostring(d.name), "")], tostring(database.name)), i) != i
        ],
      )
    ]),
  )

  # Elements of arrays of plain values (search_path[i], member_of[i], database_privileges[i], extensions[i]).
  layout_elements = flatten([
    for e in local.layout_entries : try([
      for i, item in e.value : {
        path  = "${e.path}[${i}]"
        value = item
        kind  = lookup(local.json_kinds, substr(jsonencode(item), 0, 1), "number")
        spec  = merge(try(local.schema_defs[trimprefix(e.spec.items["$ref"], "#/$defs/")], {}), e.spec.items)
      }
    ], []) if e.spec != null && e.kind == "array" && try(e.spec.items.type, "") != "object" && can(e.spec.items)
  ])

  layout_values = concat([for e in local.layout_entries : e if e.spec != null], local.layout_elements)

  layout_problems = concat(
    [for o in local.layout_level1 : "the layout must be a mapping of keys (database, roles, schemas, ...), not a ${lookup(local.json_kinds, substr(jsonencode(o.value), 0, 1), "number")}" if lookup(local.json_kinds, substr(jsonencode(o.value), 0, 1), "number") != "object"],
    flatten([
      for e in local.layout_entries :
      [for e2 in [e] : can(regex("^databases\\[[0-9]+\\]\\.roles\\[[0-9]+\\]\\.[^.]+$", e2.path)) && contains(local.cluster_wide_role_keys, e2.key)
        ? "${e2.path}: '${e2.key}' is cluster-wide: set it on the role under the top-level 'roles' (it applies in every database)"
      : "${e2.path}: unknown key \"${e2.key}\"; allowed: ${join(", ", e2.known)}" if e2.spec == null]
    ]),
    flatten([
      for o in local.layout_objects : [
        for required in try(o.spec.required, []) : "${o.path == "" ? "(top level)" : o.path}: \"${required}\" is required" if !contains(keys(o.value), required)
      ] if lookup(local.json_kinds, substr(jsonencode(o.value), 0, 1), "number") == "object"
    ]),
    flatten([
      for e in concat(local.layout_level1_entries, local.layout_level2_entries, local.layout_level3_entries, local.layout_level4_entries) : try([
        for i, item in e.value : "${e.path}[${i}]: must be a mapping of keys, not a ${lookup(local.json_kinds, substr(jsonencode(item), 0, 1), "number")}"
        if lookup(local.json_kinds, substr(jsonencode(item), 0, 1), "number") != "object"
      ], []) if try(e.spec.items.type, "") == "object" && e.kind == "array"
    ]),
    flatten([
      for v in local.layout_values : [
        for problem in [
          # Type.
          try(v.spec.type, null) == null ? null :
          v.spec.type == "integer" ? (v.kind == "number" && try(floor(v.value) == v.value, false) ? null : "${v.path}: must be a whole number, not ${jsonencode(v.value)}") :
          v.kind == v.spec.type ? null : "${v.path}: must be ${v.spec.type == "array" ? "a list" : v.spec.type == "object" ? "a mapping" : "a ${v.spec.type}"}, not ${jsonencode(v.value)}",
          # Enum.
          can(v.spec.enum) && !contains([for allowed in try(v.spec.enum, []) : jsonencode(allowed)], jsonencode(v.value))
          ? "${v.path}: ${jsonencode(v.value)} is not one of ${join(", ", try(v.spec.enum, []))}" : null,
          # Strings: length and reserved names.
          v.kind == "string" && try(length(v.value) < v.spec.minLength, false) ? "${v.path}: must not be empty" : null,
          v.kind == "string" && try(length(v.value) > v.spec.maxLength, false) ? "${v.path}: \"${v.value}\" is longer than ${v.spec.maxLength} characters" : null,
          v.kind == "string" && try(can(regex(v.spec.not.pattern, v.value)), false) ? "${v.path}: \"${v.value}\" is a reserved name (matches ${v.spec.not.pattern})" : null,
          # Numbers.
          v.kind == "number" && try(v.value < v.spec.minimum, false) ? "${v.path}: must be at least ${v.spec.minimum}, not ${v.value}" : null,
          # Lists.
          v.kind == "array" && try(v.spec.uniqueItems, false) && try(length(distinct([for x in v.value : jsonencode(x)])) != length(v.value), false) ? "${v.path}: has an entry twice" : null,
          v.kind == "array" && try(length(v.value) < v.spec.minItems, false) ? "${v.path}: must not be empty" : null,
        ] : problem if problem != null
      ]
    ]),
    local.cluster_problems,
  )
}

# Fails `terraform plan` (before anything is created or changed) when the layout breaks the schema.
resource "terraform_data" "layout" {
  input = local.role_manager_config_text == null ? "default layout" : sha256(local.role_manager_config_text)

  lifecycle {
    precondition {
      condition     = length(local.layout_inputs_given) <= 1
      error_message = "Give the layout once: role_manager_config, layout and layout_file are alternatives, and ${join(", ", local.layout_inputs_given)} are all set."
    }

    precondition {
      condition     = length(local.layout_problems) == 0
      error_message = "The role manager layout does not match schema/role-manager.schema.json (${length(local.layout_problems)} problems):\n  - ${join("\n  - ", local.layout_problems)}"
    }
  }
}
