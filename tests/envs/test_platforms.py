"""Every platform students use: requirements.txt and `actlib[keras]` resolve, from wheels only,
for Linux x86-64 and aarch64, macOS on Apple Silicon and Windows x86-64, each with Python 3.10 to
3.13 (uv resolves for a platform it does not run on; it needs only the package index).

The table of what resolved goes to test-output/envs/platforms.md."""

import re

import pytest

from tests.envs.harness import REPORTS, ROOT, uv

PLATFORMS = {  # uv's --python-platform: the TensorFlow distribution each one should get
    "x86_64-manylinux_2_28": "tensorflow-cpu",
    "aarch64-manylinux_2_28": "tensorflow",
    "aarch64-apple-darwin": "tensorflow",
    "x86_64-pc-windows-msvc": "tensorflow-cpu",
}
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
SHOWN = ["tensorflow", "tensorflow-cpu", "keras", "numpy", "scipy", "matplotlib", "ipywidgets"]

_rows: dict[tuple[str, str], str] = {}


def resolve(platform: str, python: str, *sources: str) -> dict[str, str]:
    """{name: version} that uv picks for ``sources`` on that platform and Python, wheels only."""
    out = uv("pip", "compile", "--quiet", "--no-header", "--no-annotate", "--only-binary",
             ":all:", "--python-platform", platform, "--python-version", python, *sources).stdout
    return {m.group(1).lower(): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", out, re.M)}


@pytest.fixture(scope="module", autouse=True)
def table():
    """Writes the table of every combination this module resolved."""
    yield
    lines = ["# What resolves where (wheels only)", "",
             "| platform | Python | requirements.txt | actlib[keras] |", "|---|---|---|---|"]
    for platform in PLATFORMS:
        for python in PYTHONS:
            if (platform, python) in _rows:
                lines.append(f"| {platform} | {python} | {_rows[platform, python]} |")
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "platforms.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))


def summary(found: dict[str, str]) -> str:
    return ", ".join(f"{name} {found[name]}" for name in SHOWN if name in found)


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_pins_and_keras_extra_resolve(platform, python, wheel, tmp_path):
    tf = PLATFORMS[platform]
    other = "tensorflow" if tf == "tensorflow-cpu" else "tensorflow-cpu"
    extra_in = tmp_path / "extra.in"
    extra_in.write_text(f"actlib[keras] @ {wheel.as_uri()}\n")
    # the pins with actlib[keras] (as the Makefile and test_wheel install them: its bounds must
    # admit every pin), and actlib[keras] alone (what `pip install actlib[keras]` picks)
    pinned = resolve(platform, python, str(ROOT / "requirements.txt"), str(extra_in))
    extra = resolve(platform, python, str(extra_in))
    _rows[platform, python] = f"{summary(pinned)} | {summary(extra)}"
    for what, found in [("requirements.txt", pinned), ("actlib[keras]", extra)]:
        assert tf in found and other not in found, \
            f"{what} on {platform}, Python {python}: expected {tf} (not {other}), got {found}"
        assert {"keras", "numpy"} <= set(found), f"{what} on {platform}: {found}"


def test_intel_macs_have_no_tensorflow():
    """What the README tells Intel Mac users: TensorFlow 2.21 has no wheel for them."""
    with pytest.raises(AssertionError, match=r"tensorflow"):
        resolve("x86_64-apple-darwin", "3.12", str(ROOT / "requirements.txt"))
