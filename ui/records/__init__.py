"""Any record kind's list: page, model, form, filter bar, detail, and the chip, deadline and action parts."""
