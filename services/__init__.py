"""The workflows, each once, for the command line, the interface and the job worker.

Owns importing (`imports`: read, plan, preview, commit with the stale-plan retry, failed rows, e-mail; `planning`:
the plan's rules over the store's facts), offline jobs (`jobs`: submit, the worker loop, running a job, resend),
exporting (`export`), undoing (`undo`), views (`views`), saving one customer (`edit`), where outputs may be written
(`outputs`) and sending mail (`mail`). Each takes plain arguments and returns a typed, frozen outcome; the front
ends only render outcomes.

May import: core, formats and the store's interface (`store.base`, `store.records`, `store.opening`), never a
store module behind it. Never cli or tui; never textual or rich. Checked by mypy --strict.
"""
