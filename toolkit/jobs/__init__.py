"""The unattended ways in: the nightly job (`scheduler`), the drop folder (`inbox`, `watcher`),
their record in the history database (`ledger`) and what `toolkit status` shows (`status`).

Each job calls one pipeline function; the business logic stays in the pipeline.
"""
