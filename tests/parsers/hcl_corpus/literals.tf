locals {
  unused = "locals are not compared"
}

resource "test_literals" "scalars" {
  string_plain   = "hello world"
  string_empty   = ""
  string_escapes = "tab\there \"quoted\" back\\slash newline\nend"
  string_unicode = "café ☕ \u00e9\u2603"
  string_dollar  = "literal $${not_interpolated} and %%{not_directive}"
  integer        = 42
  negative       = -17
  zero           = 0
  big            = 123456789012345678
  float          = 3.25
  negative_float = -0.5
  small_float    = 1.5e-3
  yes            = true
  no             = false
  nothing        = null
}

resource "test_literals" "collections" {
  empty_list   = []
  empty_map    = {}
  mixed_list   = ["a", 1, 2.5, true, null]
  nested_lists = [[1, 2], [], [["deep"]]]
  map_of_lists = {
    first  = ["a", "b"]
    second = []
  }
  list_of_maps = [
    { name = "one", value = 1 },
    { name = "two", value = 2, extra = { flag = false } },
  ]
  quoted_keys = {
    "with-dash"   = 1
    "with.dot"    = 2
    "with space"  = 3
    bare_key      = 4
  }
  colon_keys = { a : 1, b : "two" }
  trailing   = [
    "x",
    "y",
  ]
}

resource "test_literals" "heredocs" {
  plain = <<EOT
line one
  indented line
last line
EOT
  flush = <<-EOT
      alpha
        beta

      gamma
      EOT
  json_like = <<-JSON
    {"key": "value", "list": [1, 2, 3]}
  JSON
}

resource "test_literals" "counted" {
  count = 2
  name  = "same-for-every-instance"
  size  = 10
}

resource "test_literals" "for_each_set" {
  for_each = toset(["b", "a"])
  constant = "c"
  list     = [1, 2, 3]
}
