"""The application layer: every job the UI, the command line and the county console run.

One module per program — `people`, `children`, `elders`, `relief`, `reports`, `exports`,
`imports`, `admin` — each holding plain functions that take plain inputs and a `JobState`
(progress and cancel, core.jobs) and return plain values (Orange3's `run(data, …, state)`). They
touch no Qt: the UI runs them in a worker (ui.operations.run_job), the command line calls them
directly, and tests drive them with a bare JobState.
"""
