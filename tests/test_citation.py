"""Licence and citation: the LICENSE files, pyproject.toml's licence metadata (PEP 639) as the
built wheel carries it, and CITATION.cff validated by cffconvert, consistent with pyproject.

cffconvert 2.0.0 (the current release) pins jsonschema < 4, which JupyterLab's stack cannot
have, so it is not in requirements.txt: the test runs that pinned version in an isolated
environment made by uv (requirements.txt pins uv), from PyPI or uv's cache."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CFFCONVERT = "cffconvert==2.0.0"
OFFLINE = ("Failed to fetch", "error sending request", "dns error", "Could not connect",
           "Network is unreachable", "Temporary failure in name resolution", "No network")


def pyproject() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def citation() -> dict:
    yaml = pytest.importorskip("yaml")

    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_licence_files():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted, free of charge" in mit
    content = (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International" in content
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    # the legal code itself, from its first section to its last
    for part in ("Section 1 – Definitions", "Section 3 – License Conditions",
                 "Section 8 – Interpretation"):
        assert part in content, part


def test_pyproject_declares_the_licences():
    meta, build = pyproject()["project"], pyproject()["build-system"]
    assert meta["license"] == "MIT"
    assert meta["license-files"] == ["LICENSE", "LICENSE-CONTENT"]
    assert "setuptools>=77" in build["requires"]  # the first setuptools with PEP 639


def test_built_wheel_metadata_says_mit(tmp_path):
    """The wheel pip builds for any user carries License-Expression and both licence files."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                            str(tmp_path), str(ROOT)], capture_output=True, text=True)
    if built.returncode and any(s in built.stderr for s in OFFLINE):
        pytest.skip("no network to fetch setuptools for the isolated build")
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("actlib-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(archive.read(n).decode() for n in names if n.endswith("/METADATA"))
    assert "License-Expression: MIT" in metadata.splitlines()
    assert {"License-File: LICENSE", "License-File: LICENSE-CONTENT"} <= set(metadata.splitlines())
    assert any(n.endswith(".dist-info/licenses/LICENSE-CONTENT") for n in names)


def test_citation_cff_is_valid():
    pytest.importorskip("uv", reason="uv (requirements.txt) runs cffconvert")
    checked = subprocess.run([sys.executable, "-m", "uv", "tool", "run", "--isolated", "--python",
                              sys.executable, "--from", CFFCONVERT, "cffconvert", "--validate",
                              "-i", str(ROOT / "CITATION.cff")],
                             capture_output=True, text=True, timeout=300)
    output = checked.stdout + checked.stderr
    if checked.returncode and any(s in output for s in OFFLINE):
        pytest.skip(f"no network to install {CFFCONVERT} (uv): {output.strip()[-200:]}")
    assert checked.returncode == 0, output
    assert "Citation metadata are valid according to schema version 1.2.0" in output


def test_citation_agrees_with_pyproject():
    cff, meta = citation(), pyproject()["project"]
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == meta["version"]
    assert cff["repository-code"] == meta["urls"]["Repository"]
    assert cff["license"] == ["MIT", "CC-BY-4.0"]
    assert cff["title"].startswith("actlib notebooks")
