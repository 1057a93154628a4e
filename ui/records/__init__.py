"""The generic record list of any record kind (page, model, form, filter bar, detail) and its chip, deadline and action variants."""
