"""The builder's views, one module per page: home (the surveys a user edits), create,
outline (the structure editor) and publish (the checklist, the changes and the confirmation)."""
