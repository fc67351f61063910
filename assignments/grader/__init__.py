"""The trusted step of the course's autograding: scores that a submission cannot raise by
tampering with the kernel it runs in.

nbgrader runs every test cell in the student's own kernel, after the student's cells: whatever
the tests call there (NumPy's comparisons, ``act.check``, actlib's reference functions, IPython's
error display) the student's code can rebind. Here the student's kernel only *records*; the verdict
comes from this process, which the student's code never touches (PrairieLearn's secured grader
does the same: student code in one process, results serialised, compared in another).

1. ``record``: before execution, every locked code cell is wrapped in a cell magic that records
   each call the cell makes to a student function (the names the instructor's solution defines):
   a digest of its arguments and the value it returned, as plain data (arrays as bytes, numbers,
   strings, lists, dicts; anything else is refused). The student's kernel still runs every test,
   so the feedback it prints is what the student saw while working.
2. ``replay``: after execution, each test cell's code (the instructor's, restored by nbgrader) runs
   again *here*, with this process's NumPy and actlib, and with each student function replaced by
   the recorded results, in order. The cell earns its points only if it passes here.
3. ``guard``: the grader's files (this package, the course's configuration, source notebooks and
   gradebook) are snapshotted before each submission runs and checked after it; a change is undone,
   and an opened or changed file zeroes the submission. ``scan`` reads the answer cells for
   tampering patterns.
4. Everything suspicious is flagged for the instructor with the cell and the reason: in the graded
   notebook (and so the feedback page) and in the gradebook's comment on the task's answer cell,
   which ``scripts/assignments.py scores`` and ``export`` show.

``preprocessors`` plugs this into nbgrader's autograde (see ``nbgrader_config.py``).
"""

MIME = "application/vnd.actlib.grader-record+json"
FLAG_PREFIX = "FLAGGED by the grader"
