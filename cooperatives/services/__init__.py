"""The ORM side of the cooperatives domain: the one door for every write (each atomic with
its audit row in `CooperativeEvent`, and in accounts' audit trail when a member's data
changes), the bulk loaders, the allocation of a period and the billing seam.

`cooperatives/domain/` stays pure (no Django: an import-linter contract), so the functions
that read or write the database live here and call it."""
