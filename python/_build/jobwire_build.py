"""A PEP 517 build backend for this pure-Python package, standard library only.

Why not setuptools: pip installs a build backend into an isolated environment from the
package index, which an offline machine cannot reach; setuptools without isolation needs
``wheel`` as well, which a Debian venv does not have. This backend is the whole build: a
wheel is a zip of ``jobwire/`` plus three metadata files (PEP 427), an sdist a tar of the
source, and an editable install a ``.pth`` line pointing at this folder (PEP 660).
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

Settings = Optional[Dict[str, Any]]  # pip's --config-settings; none are used
ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "jobwire"
_VERSION_LINE = re.search(r'__version__ = "([^"]+)"', (ROOT / PACKAGE / "version.py").read_text())
assert _VERSION_LINE, "jobwire/version.py must set __version__"
VERSION = _VERSION_LINE.group(1)
DIST_INFO = f"{PACKAGE}-{VERSION}.dist-info"
TAG = "py3-none-any"
METADATA = f"""Metadata-Version: 2.1
Name: {PACKAGE}
Version: {VERSION}
Summary: Report long-running jobs to jobwired and follow its event log (standard library only)
License: MIT
Requires-Python: >=3.9
Description-Content-Type: text/markdown

"""
# Into the sdist: everything a build from it needs, and the examples and tests.
SDIST_ITEMS = ["pyproject.toml", "README.md", "_build", PACKAGE, "examples", "tests"]


def get_requires_for_build_wheel(config_settings: Settings = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Settings = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Settings = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Settings = None) -> str:
    target = Path(metadata_directory) / DIST_INFO
    target.mkdir(parents=True, exist_ok=True)
    for name, data in _metadata_files().items():
        (target / name).write_bytes(data)
    return DIST_INFO


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory: str, config_settings: Settings = None,
                metadata_directory: Optional[str] = None) -> str:
    files = [(path.relative_to(ROOT).as_posix(), path.read_bytes()) for path in _package_files()]
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory: str, config_settings: Settings = None,
                   metadata_directory: Optional[str] = None) -> str:
    # A .pth line puts this folder on sys.path, so edits to jobwire/ show without reinstalling.
    return _write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth", f"{ROOT}\n".encode())])


def build_sdist(sdist_directory: str, config_settings: Settings = None) -> str:
    name = f"{PACKAGE}-{VERSION}"
    with tarfile.open(Path(sdist_directory) / f"{name}.tar.gz", "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for item in SDIST_ITEMS:
            tar.add(ROOT / item, arcname=f"{name}/{item}", filter=_without_caches)
        info = tarfile.TarInfo(f"{name}/PKG-INFO")
        pkg_info = _metadata_files()["METADATA"]
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return f"{name}.tar.gz"


def _package_files() -> List[Path]:
    return sorted(path for path in (ROOT / PACKAGE).rglob("*")
                  if path.is_file() and "__pycache__" not in path.parts)


def _without_caches(info: tarfile.TarInfo) -> Optional[tarfile.TarInfo]:
    return None if "__pycache__" in info.name.split("/") else info


def _metadata_files() -> Dict[str, bytes]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    wheel = f"Wheel-Version: 1.0\nGenerator: jobwire_build\nRoot-Is-Purelib: true\nTag: {TAG}\n"
    return {"METADATA": (METADATA + readme).encode("utf-8"), "WHEEL": wheel.encode()}


def _write_wheel(wheel_directory: str, files: List[Tuple[str, bytes]]) -> str:
    """Writes the wheel with ``files`` plus the metadata and a RECORD of every file's hash."""
    files = files + [(f"{DIST_INFO}/{name}", data) for name, data in _metadata_files().items()]
    filename = f"{PACKAGE}-{VERSION}-{TAG}.whl"
    record = io.StringIO()
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in files:
            wheel.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.write(f"{name},sha256={digest},{len(data)}\n")
        record.write(f"{DIST_INFO}/RECORD,,\n")
        wheel.writestr(f"{DIST_INFO}/RECORD", record.getvalue())
    return filename
