"""台账: the ledgers of sites and sources, one chip list per ledger kind."""
