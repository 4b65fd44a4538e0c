"""Importers: turn reference data and open-data exports into Turtle files of the knowledge base.

Each importer reads its source files, builds an rdflib Graph that begins by describing itself
(`<> a mc:SourceGraph ; prov:wasDerivedFrom <source document>`) and writes it atomically.

May import kb.core and kb.store (an importer writes Turtle; it never loads or builds).
"""
