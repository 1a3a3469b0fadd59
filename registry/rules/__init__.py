"""The governance rules, one YAML file each (schema in docs/findings.md). Packaged with `registry`."""
