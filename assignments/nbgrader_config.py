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

# Seconds per cell when validating and autograding (the slowest cell takes a few seconds).
c.Execute.timeout = 300

# `nbgrader zip_collect` (scripts/assignments.py collect): a submission is
# downloaded/<assignment>/archive/<student_id>/<notebook>.ipynb, or a zip file
# <student_id>.zip holding the notebook (at any depth).
c.FileNameCollectorPlugin.named_regexp = (
    r".*[\\/]extracted[\\/](?P<student_id>[^\\/]+)[\\/](?:.*[\\/])?(?P<file_id>[^\\/]+\.ipynb)$"
)

# Autograde with the trusted step (grader/): the student's kernel records what the student's
# functions return, and this process replays the tests with them and awards the points.
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grader.preprocessors import SaveFlags, TrustedExecute  # noqa: E402
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

c.Autograde.autograde_preprocessors = [
    TrustedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    SaveFlags, AssignLatePenalties, CheckCellMetadata]
