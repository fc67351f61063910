"""nbgrader's configuration for the actlib course assignments.

nbgrader reads this file when it runs in this directory (the course root); instructors use
``scripts/assignments.py``, which does that. Layout, as nbgrader expects it:

    source/<assignment>/<assignment>.ipynb   the assignments with solutions and hidden tests
    release/                                 the student versions (generated)
    downloaded/<assignment>/archive/         submissions as you receive them (see collect)
    submitted/, autograded/, feedback/       nbgrader's working folders (generated)
    gradebook.db                             the grades (generated)
"""

c = get_config()  # noqa: F821  (traitlets provides get_config in config files)

c.CourseDirectory.course_id = "actlib"

# The student's stub, as in the lessons' exercises.
c.ClearSolutions.code_stub = {"python": "# your code here\nraise NotImplementedError"}

# Seconds per cell when validating and autograding (the Keras task in 02_relu takes ~20 s).
c.Execute.timeout = 300

# `nbgrader zip_collect` (scripts/assignments.py collect): a submission is
# downloaded/<assignment>/archive/<student_id>/<notebook>.ipynb, or a zip file
# <student_id>.zip holding the notebook (at any depth).
c.FileNameCollectorPlugin.named_regexp = (
    r".*[\\/]extracted[\\/](?P<student_id>[^\\/]+)[\\/](?:.*[\\/])?(?P<file_id>[^\\/]+\.ipynb)$"
)
