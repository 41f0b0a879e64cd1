"""`pip install ./python` with no package index (as on a machine with no network), in a new
venv, and the package it installs; and the build backend's wheel and sdist."""
import base64
import hashlib
import os
import subprocess
import sys
import tarfile
import shutil
import tempfile
import unittest
import zipfile

from support import PYTHON_DIR

sys.path.insert(0, str(PYTHON_DIR / "_build"))
import jobwire_build  # noqa: E402

# No index, and no user or site pip.conf pointing at one: pip must build from the folder alone.
OFFLINE_PIP = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def run(*command: str, cwd: str) -> str:
    done = subprocess.run(command, cwd=cwd, env={**os.environ, **OFFLINE_PIP}, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


class OfflineInstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = tempfile.mkdtemp(prefix="jobwire-py-venv-")
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        made = subprocess.run([sys.executable, "-m", "venv", os.path.join(cls.folder, "venv")],
                              capture_output=True, text=True, timeout=300)
        if made.returncode != 0:
            raise unittest.SkipTest(f"cannot make a venv with {sys.executable} (on Debian: apt-get install "
                                    f"python3-venv): {made.stderr.strip()[-300:]}")
        cls.python = os.path.join(cls.folder, "venv", "bin", "python")

    def installed(self) -> list:
        script = ("import jobwire, pathlib; p = pathlib.Path(jobwire.__file__).parent; "
                  "print(jobwire.__version__); print(p); print((p / 'py.typed').exists()); "
                  "print(jobwire.Client.__name__, jobwire.AsyncClient.__name__)")
        return run(self.python, "-c", script, cwd=self.folder).split("\n")

    def test_pip_install_of_the_folder_works_offline_and_the_package_imports(self) -> None:
        run(self.python, "-m", "pip", "install", str(PYTHON_DIR), cwd=self.folder)
        version, location, typed, names, _ = self.installed()
        self.assertEqual(version, jobwire_build.VERSION)
        self.assertTrue(location.startswith(self.folder), location)  # the venv's copy, not the checkout
        self.assertEqual((typed, names), ("True", "Client AsyncClient"))

    def test_an_editable_install_imports_the_checkout(self) -> None:
        run(self.python, "-m", "pip", "install", "--editable", str(PYTHON_DIR), cwd=self.folder)
        _, location, _, _, _ = self.installed()
        self.assertEqual(location, str(PYTHON_DIR / "jobwire"))


class BuildBackendTest(unittest.TestCase):
    def setUp(self) -> None:
        self.out = tempfile.mkdtemp(prefix="jobwire-py-dist-")
        self.addCleanup(shutil.rmtree, self.out, ignore_errors=True)

    def test_the_wheel_holds_the_package_and_a_record_of_true_hashes(self) -> None:
        with zipfile.ZipFile(os.path.join(self.out, jobwire_build.build_wheel(self.out))) as wheel:
            names = wheel.namelist()
            self.assertIn("jobwire/py.typed", names)
            self.assertIn("jobwire/client.py", names)
            self.assertFalse([name for name in names if "__pycache__" in name or name.startswith("tests/")])
            record = wheel.read(f"{jobwire_build.DIST_INFO}/RECORD").decode().splitlines()
            for line in record:
                name, digest, size = line.rsplit(",", 2)
                if digest:
                    data = wheel.read(name)
                    expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    self.assertEqual((digest, int(size)), (f"sha256={expected}", len(data)), name)
            self.assertEqual(len(record), len(names))

    def test_the_sdist_holds_what_a_build_from_it_needs(self) -> None:
        name = jobwire_build.build_sdist(self.out)
        with tarfile.open(os.path.join(self.out, name)) as sdist:
            names = sdist.getnames()
        root = name[: -len(".tar.gz")]
        for needed in ("pyproject.toml", "PKG-INFO", "_build/jobwire_build.py", "jobwire/__init__.py"):
            self.assertIn(f"{root}/{needed}", names)
        self.assertFalse([n for n in names if "__pycache__" in n])


if __name__ == "__main__":
    unittest.main()
