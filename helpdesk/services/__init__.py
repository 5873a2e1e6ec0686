"""Write operations of the core domain. The API, the UI, admin actions and tasks all call these."""
