"""The published documentation sites: markdown generated from the graph, built with MkDocs Material.

One national site (with the hand-written guides) and one site per ministry and province, in Vietnamese and
English: `collect` reads the registry once, `scopes` decides which site each entity's page is on, `pages` writes
the markdown, `config` the MkDocs configuration, `build` builds and publishes them (`registry docs build`).
"""
