"""EcoDesk's PySide6 front end, grouped by domain; widgets reach the data only through ecodesk.services."""
