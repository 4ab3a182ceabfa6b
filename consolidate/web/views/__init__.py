"""The pages: ``unit`` (a unit's link), ``office`` (the office, logged in or with a token)."""
