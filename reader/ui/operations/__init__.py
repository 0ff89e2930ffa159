"""UI operations: small functions that run Library work on the task runner and report back.

Each takes the window's `TaskRunner` and the `Library`, submits one task calling the
library's typed services, and reports back through `done`/`failed` callbacks on the GUI
thread. Writes go through the serial write lane and report the `Changes` they made (derived
data already brought up to date by `lib.indexing.apply` in the same task); the window then
announces them with `library_changed`.
"""
