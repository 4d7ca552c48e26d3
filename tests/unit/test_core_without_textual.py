"""The core works without the UI: no core module pulls in Textual or Rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import mwtui
import mwtui.importers

UI_PACKAGES = ("mwtui.app", "mwtui.screens", "mwtui.widgets")


def core_modules() -> list[str]:
    names = [
        "mwtui.workspace.store",
        "mwtui.workspace.models",
        "mwtui.workspace.config",
        "mwtui.cli",
        "mwtui.demo.workspace",
    ]
    for info in pkgutil.walk_packages(mwtui.__path__, "mwtui."):
        if not info.name.startswith(UI_PACKAGES) and info.name not in names:
            names.append(info.name)
    for info in pkgutil.iter_modules(mwtui.importers.__path__, "mwtui.importers."):
        if info.name not in names:
            names.append(info.name)
    return names


def test_every_importer_module_is_covered() -> None:
    assert "mwtui.importers.accounting.protocol" in core_modules()


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_without_textual_or_rich(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"
