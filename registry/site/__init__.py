"""The published documentation sites: markdown generated from the graph, built with MkDocs Material.

One national site (with the hand-written guides) and one site per ministry and province, in Vietnamese and
English: `collect` reads the registry once (`scoped` only a few ministries' or provinces' part of it, with the
findings of the whole, which `findings_cache` keeps while the registry is unchanged), `scopes` decides which site
each entity's page is on, `pages` writes the markdown, `config` the MkDocs configuration, `build` builds and
publishes them (`registry docs build`).
"""
