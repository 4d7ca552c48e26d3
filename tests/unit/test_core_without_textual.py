"""The core works without the UI: no core module pulls in Textual or Rich, even indirectly.

``lint-imports`` (the contracts in ``pyproject.toml``) checks the imports mwtui itself
writes; this test imports each module in a fresh interpreter, so it also catches Textual or
Rich arriving through another package.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

# The core and everything that runs headless: the workspace, both importers, the demo (with
# its sandbox servers), the CLI and its commands.
HEADLESS_PACKAGES = ("mwtui.workspace", "mwtui.importers", "mwtui.demo", "mwtui.commands")
HEADLESS_MODULES = (
    "mwtui.cli",
    # presenters: the screens' plain-Python halves
    "mwtui.screens.activities_presenter",
    "mwtui.screens.customers_presenter",
    "mwtui.screens.integrations_presenter",
    "mwtui.screens.services_presenter",
    "mwtui.screens.preview_presenter",
    "mwtui.screens.preview_frame_source",
)


def core_modules() -> list[str]:
    names = list(HEADLESS_MODULES)
    for package in HEADLESS_PACKAGES:
        names.append(package)
        path = importlib.import_module(package).__path__
        for info in pkgutil.walk_packages(path, package + "."):
            if not info.name.endswith(".__main__"):
                names.append(info.name)
    return names


def test_every_core_package_is_covered() -> None:
    names = core_modules()
    for module in ("mwtui.workspace.store", "mwtui.importers.accounting.protocol",
                   "mwtui.importers.webfakt.read", "mwtui.demo.workspace",
                   "mwtui.demo.sandbox.server"):
        assert module in names


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_without_textual_or_rich(module: str) -> None:
    code = (
        # httpx's optional command line client imports Rich when click is installed (it is
        # in the test extra, for lint-imports); mwtui never uses that client
        "import sys\n"
        "sys.modules['httpx._main'] = None\n"
        f"import {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"
