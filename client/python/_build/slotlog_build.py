"""A PEP 517 build backend for the slotlog package, standard library only.

The package is pure Python (src/slotlog/*.py): a wheel is a zip of those
files and a .dist-info folder, an sdist a tar.gz of this folder's sources.
Kept in the package's own tree (pyproject.toml's backend-path) so that
`pip install ./client/python` works offline, in a fresh venv too: setuptools
would need the `wheel` package, which a plain venv lacks.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "slotlog"
TAG = "py3-none-any"


def _version():
    with open(os.path.join(HERE, "src", NAME, "__init__.py"), encoding="utf-8") as f:
        return re.search(r'^__version__ = "([^"]+)"', f.read(), re.M).group(1)


def _metadata():
    with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return ("Metadata-Version: 2.1\n"
            "Name: %s\n"
            "Version: %s\n"
            "Summary: Send log messages to slotlog collectors: mailslot writer and logging handler\n"
            "Requires-Python: >=3.8\n"
            "Classifier: Programming Language :: Python :: 3\n"
            "Classifier: Topic :: System :: Logging\n"
            "Description-Content-Type: text/markdown\n"
            "\n%s" % (NAME, _version(), readme))


def _sources():
    """(path in the wheel, file) of every module, sorted"""
    top = os.path.join(HERE, "src", NAME)
    return [(NAME + "/" + f, os.path.join(top, f)) for f in sorted(os.listdir(top)) if f.endswith(".py")]


def _dist_info():
    return "%s-%s.dist-info" % (NAME, _version())


def _dist_info_files():
    wheel = "Wheel-Version: 1.0\nGenerator: slotlog_build\nRoot-Is-Purelib: true\nTag: %s\n" % TAG
    return [("METADATA", _metadata()), ("WHEEL", wheel), ("top_level.txt", NAME + "\n")]


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d\n" % (path, digest, len(data))


def _write_wheel(wheel_directory, files):
    """files: (path in the wheel, bytes); the dist-info and RECORD are added"""
    info = _dist_info()
    files = list(files) + [(info + "/" + n, text.encode("utf-8")) for n, text in _dist_info_files()]
    record = "".join(_record_line(p, d) for p, d in files) + info + "/RECORD,,\n"
    files.append((info + "/RECORD", record.encode("utf-8")))
    name = "%s-%s-%s.whl" % (NAME, _version(), TAG)
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files:
            entry = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))  # reproducible
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, data)
    return name


def _read(path):
    with open(path, "rb") as f:
        return f.read()


# -- PEP 517 --

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = os.path.join(metadata_directory, _dist_info())
    os.makedirs(info, exist_ok=True)
    for name, text in _dist_info_files():
        with open(os.path.join(info, name), "w", encoding="utf-8") as f:
            f.write(text)
    return _dist_info()


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, [(path, _read(f)) for path, f in _sources()])


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # PEP 660: a .pth file puts src/ on sys.path
    pth = (os.path.join(HERE, "src") + "\n").encode("utf-8")
    return _write_wheel(wheel_directory, [("_slotlog_editable.pth", pth)])


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, _version())
    name = base + ".tar.gz"
    examples = sorted(f for f in os.listdir(os.path.join(HERE, "examples")) if f.endswith(".py"))
    files = (["pyproject.toml", "README.md", "_build/slotlog_build.py"] + ["src/" + p for p, _ in _sources()]
             + ["examples/" + f for f in examples])
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for f in files:
            tar.add(os.path.join(HERE, f), arcname=base + "/" + f, recursive=False)
        pkg_info = _metadata().encode("utf-8")
        entry = tarfile.TarInfo(base + "/PKG-INFO")
        entry.size = len(pkg_info)
        entry.mtime = int(time.time())
        entry.mode = 0o644
        tar.addfile(entry, io.BytesIO(pkg_info))
    return name
