"""Following outside registers of promises: the Tweede Kamer's (`tk`).

| module      | holds                                                                  |
|-------------|------------------------------------------------------------------------|
| `client.py` | the HTTP client (the one httpx import): timeouts, retries, Retry-After |
| `odata.py`  | reading an OData collection page by page; OData literals               |
| `tk.py`     | one run of `sync tk`: filters, the query, pages committed with the mark |
| `merge.py`  | what a record may change in the register (the rules, three-way)        |

The mapping of one Tweede Kamer record to a promise is `import_export.read_register`, which
`import` uses too.
"""
