"""Loaders for the book's two real datasets: MNIST and California Housing.

Used by ``book/11_regression_california.ipynb`` (California Housing) and
``book/12_classification_mnist.ipynb`` (MNIST). Only numpy and the Python
standard library are needed.

Layout of the returned data
---------------------------
The loaders return ordinary arrays with **samples as rows**, as scikit-learn
and PyTorch do: ``X`` has shape ``(m, n)`` for ``m`` samples of ``n``
features. mfnet itself works with samples as *columns* plus a bias row of
ones; convert with `mfnet.augment` (``(m, n) -> (n + 1, m)``) and, for
class labels, `mfnet.one_hot`.

Where the files come from
-------------------------
Each loader looks, in this order, at

1. the ``data_dir`` argument, a local folder;
2. an environment variable naming a local folder: ``MFNET_MNIST_DIR`` or
   ``MFNET_CALIFORNIA_DIR``;
3. a cache folder (``cache_dir`` argument, default
   ``$MFNET_DATA_HOME/mnist`` or ``$MFNET_DATA_HOME/california_housing`` with
   ``MFNET_DATA_HOME`` defaulting to ``~/.cache/mfnet``). Missing files are
   downloaded there from the canonical sources (if ``download=True``) into a
   temporary file, checked against the canonical checksum and only then
   renamed into place. Files already in the cache are checked again on every
   load; a file that does not match is an error, never used.

Files in a local folder (1 or 2) are *not* compared with the canonical
checksums (so a subset in the same format, like the 10,000-image MNIST
training split the book's CI uses, is accepted), but they must parse: a
truncated or corrupt file raises `DataFormatError`. A local folder is
never written to and nothing is downloaded into it.

Errors: `DataNotFoundError` (also a ``FileNotFoundError``) when the
files are neither found nor downloadable, with a message saying which files
are needed and where to put them; `ChecksumError` (a ``ValueError``)
for a checksum mismatch; `DataFormatError` (a ``ValueError``) for a
file that does not parse.
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import logging
import os
import tarfile
import tempfile
import urllib.request
import warnings
import zlib
from pathlib import Path

import numpy as np

from mfnet.checks import whole_number

__all__ = [
    "load_mnist",
    "load_california_housing",
    "read_idx",
    "data_home",
    "DatasetError",
    "DataNotFoundError",
    "ChecksumError",
    "DataFormatError",
    "MNIST_FILES",
    "CALIFORNIA_FEATURE_NAMES",
]

logger = logging.getLogger(__name__)


# ----------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------
class DatasetError(Exception):
    """Base class of the errors raised by `mfnet_book.datasets`."""


class DataNotFoundError(DatasetError, FileNotFoundError):
    """The data files are not in the local folder or cache and cannot be
    downloaded."""


class ChecksumError(DatasetError, ValueError):
    """A downloaded or cached file does not have the canonical checksum."""


class DataFormatError(DatasetError, ValueError):
    """A data file is truncated, corrupt or not in the expected format."""


# ----------------------------------------------------------------------------
# Constants: environment variables, sources, checksums
# ----------------------------------------------------------------------------
DATA_HOME_ENV = "MFNET_DATA_HOME"
MNIST_ENV = "MFNET_MNIST_DIR"
CALIFORNIA_ENV = "MFNET_CALIFORNIA_DIR"

#: Mirrors of the official MNIST files, tried in order.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
#: File names (images, labels) of each split.
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
#: md5 of the canonical files (full 60,000-image training split).
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
# unsigned bytes, 3 dimensions (count, rows, cols)
MNIST_IMAGES_MAGIC = 0x00000803
MNIST_LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension (count)

#: The archive scikit-learn's ``fetch_california_housing`` downloads.
CALIFORNIA_URLS = ("https://ndownloader.figshare.com/files/5976036",)
CALIFORNIA_ARCHIVE = "cal_housing.tgz"
CALIFORNIA_ARCHIVE_SHA256 = ("aaa5c9a6afe2225cc2aed2723682ae40"
                             "3280c4a3695a2ddda4ffb5d8215ea681")
CALIFORNIA_MEMBER = "CaliforniaHousing/cal_housing.data"
CALIFORNIA_DATA = "cal_housing.data"
#: sha256 of ``cal_housing.data`` inside the archive (informational: local
#: files are parsed, not compared with it).
CALIFORNIA_DATA_SHA256 = ("a2b44dcc7e1c9091b43c4f458b25cbd1"
                          "f7e8068d08edd26bc4703108d3fa6214")
#: Columns of the StatLib file, in file order.
CALIFORNIA_RAW_COLUMNS = (
    "longitude", "latitude", "housing_median_age", "total_rooms",
    "total_bedrooms", "population", "households", "median_income",
    "median_house_value",
)
#: scikit-learn's feature names, in the order of the columns of ``X``.
CALIFORNIA_FEATURE_NAMES = (
    "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
    "Latitude", "Longitude",
)

_TIMEOUT = 60.0  # seconds, per connection attempt
_CHUNK = 1 << 20


# ----------------------------------------------------------------------------
# Folders, hashing, downloading
# ----------------------------------------------------------------------------
def data_home() -> Path:
    """The root of mfnet's download cache: ``$MFNET_DATA_HOME`` or
    ``~/.cache/mfnet``."""
    root = os.environ.get(DATA_HOME_ENV)
    if root:
        return Path(root).expanduser()
    return Path.home() / ".cache" / "mfnet"


def _local_dir(data_dir, env: str):
    """(folder, description) from the argument or the environment variable,
    else (None, None)."""
    if data_dir is not None:
        return Path(data_dir).expanduser(), "the data_dir argument"
    value = os.environ.get(env)
    if value:
        return Path(value).expanduser(), f"the environment variable {env}"
    return None, None


def _file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _open_url(url: str, timeout: float = _TIMEOUT):
    """Open ``url`` for reading bytes (the single network access; tests replace
    it)."""
    return urllib.request.urlopen(url, timeout=timeout)  # fixed https URLs


def _download(urls, dest: Path, algorithm: str, expected: str,
              hint: str) -> Path:
    """Download ``dest.name`` from the first working URL, verify it, rename it
    to ``dest``.

    The bytes go to a temporary file next to ``dest``; it is renamed to
    ``dest`` only when its checksum equals ``expected`` and deleted otherwise.
    Raises ChecksumError if a source delivered wrong bytes (and none delivered
    the right ones), DataNotFoundError (chaining the last network error) if no
    source could be reached.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    mismatch = None
    last_error = None
    failures = []
    for url in urls:
        logger.info("downloading %s from %s", dest.name, url)
        fd, tmp_name = tempfile.mkstemp(prefix=dest.name + ".",
                                        suffix=".part", dir=dest.parent)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.new(algorithm)
            with os.fdopen(fd, "wb") as out, _open_url(url) as response:
                for block in iter(lambda: response.read(_CHUNK), b""):
                    digest.update(block)
                    out.write(block)
            actual = digest.hexdigest()
            if actual != expected:
                mismatch = ChecksumError(
                    f"checksum mismatch for {dest.name} downloaded from "
                    f"{url}: expected {algorithm} {expected}, got {actual}. "
                    "The download was deleted; the file is corrupt or the "
                    f"source changed. Try again later, or {hint}")
                continue
            os.replace(tmp, dest)
            return dest
        except (OSError, http.client.HTTPException, ValueError) as exc:
            last_error = exc
            failures.append(f"{url}: {type(exc).__name__}: {exc}")
            logger.info("download of %s from %s failed: "
                        "%s", dest.name, url, exc)
        finally:
            if tmp.exists():
                tmp.unlink()
    if mismatch is not None:
        raise mismatch
    raise DataNotFoundError(
        f"could not download {dest.name} ({'; '.join(failures)}). "
        f"If this machine is offline, {hint}") from last_error


def _cached_file(name: str, cache: Path, urls, algorithm: str, expected: str,
                 download: bool, hint: str) -> Path:
    """Path of a verified copy of ``name`` in ``cache``, downloading it if
    allowed."""
    path = cache / name
    if path.exists():
        actual = _file_digest(path, algorithm)
        if actual != expected:
            raise ChecksumError(
                f"{path} is in the download cache but its {algorithm} is "
                f"{actual}, expected {expected}: the file is corrupt or not "
                "the canonical one, so it is not used. Delete it to download "
                f"it again, or {hint}")
        return path
    if not download:
        raise DataNotFoundError(
            f"{name} is not in the download cache {cache} and download=False. "
            f"Use download=True, or {hint}")
    return _download(urls, path, algorithm, expected, hint)


# ----------------------------------------------------------------------------
# IDX files (MNIST)
# ----------------------------------------------------------------------------
_IDX_TYPES = {
    0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    """The content of ``path``, gunzipped if its name ends in ``.gz``."""
    path = Path(path)
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as stream:
            return stream.read()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise DataFormatError(f"{path} is not a complete gzip file (truncated "
                              f"or corrupt?): {exc}") from exc


def _parse_idx(raw: bytes, source) -> tuple[int, np.ndarray]:
    """(magic number, array) of the IDX bytes ``raw``; ``source`` names the
    file in errors."""
    if len(raw) < 4:
        raise DataFormatError(f"{source}: too short for an IDX file "
                              f"({len(raw)} bytes)")
    magic = int.from_bytes(raw[:4], "big")
    code, ndim = raw[2], raw[3]
    if raw[0] != 0 or raw[1] != 0 or code not in _IDX_TYPES or ndim == 0:
        raise DataFormatError(f"{source}: not an IDX file (magic number "
                              f"{magic:#010x})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataFormatError(f"{source}: truncated IDX header ({len(raw)} "
                              f"bytes, {header} needed for {ndim} dimensions)")
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big")
                 for i in range(ndim))
    dtype = _IDX_TYPES[code]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    actual = len(raw) - header
    if actual != expected:
        what = "truncated" if actual < expected else "has trailing bytes"
        raise DataFormatError(
            f"{source}: {what}: the header announces shape {dims}, i.e. "
            f"{expected} bytes of data, but the file holds {actual}")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    return magic, data.astype(dtype.newbyteorder("="))


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed if the name ends in
    ``.gz``.

    Returns an array whose shape and dtype are those announced by the file's
    header (for MNIST images: ``(count, 28, 28)`` uint8; labels: ``(count,)``
    uint8). Raises `DataFormatError` for a truncated or corrupt file.
    Used by `load_mnist`; handy for other IDX datasets (Fashion-MNIST).
    """
    path = Path(path)
    return _parse_idx(_read_bytes(path), path)[1]


def _find_local(folder: Path, name: str):
    """``folder/name``, or the same without ``.gz`` (an already unpacked file),
    or None."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _mnist_hint(cache: Path) -> str:
    return (f"download the official files (from {MNIST_MIRRORS[0]}) by hand "
            "and put them in a folder given by data_dir=... or by the "
            f"environment variable {MNIST_ENV}, or into the cache folder "
            f"{cache}")


def load_mnist(split: str = "train", *, train_size: int | None = None,
               data_dir=None, download: bool = True, cache_dir=None):
    """Load one split of MNIST as float64 images in [0, 1] and int64 labels.

    Used by ``book/12_classification_mnist.ipynb``.

    Parameters
    ----------
    split : ``"train"`` or ``"test"``.
    train_size : keep only the first ``train_size`` samples of the split
        (an int >= 1), e.g. 10000: the full 60,000-image file and the
        10,000-image subset then give the same data. Fewer samples in the
        files raise DataFormatError.
    data_dir : a local folder holding ``train-images-idx3-ubyte.gz``,
        ``train-labels-idx1-ubyte.gz`` (split ``"train"``) or
        ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz`` (split
        ``"test"``); unpacked files without ``.gz`` are accepted too. Default:
        the environment variable ``MFNET_MNIST_DIR``, else the download cache.
        Local files are not compared with the canonical checksums (subsets in
        the same format are fine) but must parse.
    download : download missing files into the cache (only when no local
        folder is given).
    cache_dir : the cache folder; default ``$MFNET_DATA_HOME/mnist``
        (``~/.cache/mfnet/mnist``). Cached files must match the canonical md5.

    Returns
    -------
    images : float64 array of shape (N, rows * cols) = (N, 784), pixel / 255,
        one image per ROW (row-major 28 x 28 pixels); ``mfnet.augment(images)``
        gives mfnet's (785, N) layout.
    labels : int64 array of shape (N,), digits 0..9.

    N is read from the files' headers (60,000 / 10,000 for the official
    train / test splits; 10,000 for the training subset the book's CI uses).

    Raises
    ------
    DataNotFoundError : files missing and not downloadable (the message says
        which files are needed and where to put them).
    ChecksumError : a downloaded or cached file does not match its md5.
    DataFormatError : a file is truncated, corrupt, has the wrong magic
        number, or images and labels disagree in count.
    """
    if split not in MNIST_FILES:
        raise ValueError("load_mnist: split must be 'train' or 'test', got "
                         f"{split!r}")
    names = MNIST_FILES[split]
    cache = (Path(cache_dir).expanduser() if cache_dir is not None
             else data_home() / "mnist")
    local, origin = _local_dir(data_dir, MNIST_ENV)
    if local is not None:
        paths = [_find_local(local, name) for name in names]
        missing = [name for name, path in zip(names, paths) if path is None]
        if missing:
            state = ("does not exist" if not local.is_dir()
                     else f"lacks {', '.join(missing)}")
            raise DataNotFoundError(
                f"MNIST: the folder {local} (from {origin}) {state}. The "
                f"{split!r} split needs the files {' and '.join(names)} "
                f"(official gzip IDX format, e.g. from {MNIST_MIRRORS[0]}). "
                "Put them in that folder, or point data_dir=... or the "
                f"environment variable {MNIST_ENV} at a folder that has them "
                f"(with neither set, load_mnist downloads them into {cache}).")
    else:
        hint = _mnist_hint(cache)
        paths = [_cached_file(name, cache, [m + name for m in MNIST_MIRRORS],
                              "md5", MNIST_MD5[name], download, hint)
                 for name in names]

    images_path, labels_path = paths
    magic, images = _parse_idx(_read_bytes(images_path), images_path)
    if magic != MNIST_IMAGES_MAGIC:
        raise DataFormatError(f"{images_path}: magic number {magic:#010x}, "
                              f"expected {MNIST_IMAGES_MAGIC:#010x} (IDX "
                              "images: unsigned bytes, 3 dimensions)")
    magic, labels = _parse_idx(_read_bytes(labels_path), labels_path)
    if magic != MNIST_LABELS_MAGIC:
        raise DataFormatError(f"{labels_path}: magic number {magic:#010x}, "
                              f"expected {MNIST_LABELS_MAGIC:#010x} (IDX "
                              "labels: unsigned bytes, 1 dimension)")
    if images.shape[0] != labels.shape[0]:
        raise DataFormatError(f"MNIST {split!r}: {images_path} holds "
                              f"{images.shape[0]} images but {labels_path} "
                              f"holds {labels.shape[0]} labels")
    if labels.size and labels.max() > 9:
        raise DataFormatError(f"{labels_path}: label {int(labels.max())} out "
                              "of range 0..9")
    n = images.shape[0]
    if train_size is not None:
        train_size = whole_number(train_size, "load_mnist: train_size")
        if train_size > n:
            raise DataFormatError(
                f"MNIST {split!r}: train_size={train_size} asks for more "
                f"samples than {images_path} holds ({n}, from its header)")
        n = train_size
        images, labels = images[:n], labels[:n]
    return images.reshape(n, -1) / 255.0, labels.astype(np.int64)


# ----------------------------------------------------------------------------
# California Housing
# ----------------------------------------------------------------------------
def _parse_cal_housing(raw: bytes, source) -> np.ndarray:
    """The (rows, 9) float64 table of a StatLib ``cal_housing.data`` file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an empty file is reported below
            table = np.loadtxt(io.BytesIO(raw), delimiter=",",
                               dtype=np.float64, ndmin=2)
    except ValueError as exc:
        raise DataFormatError(f"{source}: not a valid cal_housing.data file "
                              "(9 comma-separated numbers per line expected; "
                              f"truncated or corrupt?): {exc}") from exc
    if table.shape[0] == 0:
        raise DataFormatError(f"{source}: contains no data")
    if table.shape[1] != len(CALIFORNIA_RAW_COLUMNS):
        raise DataFormatError(f"{source}: {table.shape[1]} columns, expected "
                              f"9 ({', '.join(CALIFORNIA_RAW_COLUMNS)})")
    if not np.isfinite(table).all():
        raise DataFormatError(f"{source}: contains NaN or infinite values")
    if (table[:, 6] <= 0).any():
        raise DataFormatError(f"{source}: households (column 7) must be "
                              "positive")
    return table


def _read_cal_housing_tgz(path: Path) -> bytes:
    """The bytes of ``cal_housing.data`` inside the archive ``path``."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = [
                m for m in archive.getmembers()
                if m.isfile() and m.name.rsplit("/", 1)[-1] == CALIFORNIA_DATA]
            if not members:
                raise DataFormatError(f"{path}: the archive has no "
                                      f"{CALIFORNIA_MEMBER}")
            member = next((m for m in members
                           if m.name == CALIFORNIA_MEMBER), members[0])
            return archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DataFormatError(f"{path}: not a complete tar.gz archive "
                              f"(truncated or corrupt?): {exc}") from exc


def _california_features(table: np.ndarray):
    """scikit-learn's 8 features and target (100,000 USD) from the raw 9-column
    table."""
    (longitude, latitude, age, rooms, bedrooms, population, households, income,
     value) = table.T
    X = np.column_stack([
        income,                    # MedInc
        age,                       # HouseAge
        rooms / households,        # AveRooms
        bedrooms / households,     # AveBedrms
        population,                # Population
        population / households,   # AveOccup
        latitude,                  # Latitude
        longitude,                 # Longitude
    ])
    y = value / 100000.0
    return X, y, list(CALIFORNIA_FEATURE_NAMES)


def load_california_housing(*, data_dir=None, download: bool = True,
                            cache_dir=None):
    """Load California Housing (Pace and Barry, 1997) with scikit-learn's
    features.

    Used by ``book/11_regression_california.ipynb``.

    The StatLib file has one block group per line with the columns longitude,
    latitude, housing_median_age, total_rooms, total_bedrooms, population,
    households, median_income, median_house_value. As
    ``sklearn.datasets.fetch_california_housing`` does, the features are
    MedInc = median_income, HouseAge = housing_median_age, AveRooms =
    total_rooms / households, AveBedrms = total_bedrooms / households,
    Population = population, AveOccup = population / households, Latitude,
    Longitude, and the target is median_house_value / 100,000 (units of
    100,000 USD).

    Parameters
    ----------
    data_dir : a local folder holding ``cal_housing.data`` (or
        ``CaliforniaHousing/cal_housing.data`` or the archive
        ``cal_housing.tgz``). Default: the environment variable
        ``MFNET_CALIFORNIA_DIR``, else the download cache. Local files are
        parsed, not compared with a checksum.
    download : download ``cal_housing.tgz`` into the cache if it is missing
        (only when no local folder is given).
    cache_dir : the cache folder; default
    ``$MFNET_DATA_HOME/california_housing``
        (``~/.cache/mfnet/california_housing``). The archive there must match
        the canonical sha256.

    Returns
    -------
    X : float64 array of shape (20640, 8), one block group per ROW, columns in
        the order of ``feature_names``; ``mfnet.augment(X)`` gives (9, 20640).
    y : float64 array of shape (20640,), median house value in 100,000 USD.
    feature_names : list of the 8 feature names.

    (20640 is the number of rows of the canonical file; it is read from the
    file, not assumed.)

    Raises
    ------
    DataNotFoundError, ChecksumError, DataFormatError : as for
    `load_mnist`.
    """
    cache = (Path(cache_dir).expanduser() if cache_dir is not None
             else data_home() / "california_housing")
    local, origin = _local_dir(data_dir, CALIFORNIA_ENV)
    if local is not None:
        for candidate in (local / CALIFORNIA_DATA, local / CALIFORNIA_MEMBER):
            if candidate.is_file():
                table = _parse_cal_housing(candidate.read_bytes(), candidate)
                return _california_features(table)
        archive = local / CALIFORNIA_ARCHIVE
        if archive.is_file():
            raw = _read_cal_housing_tgz(archive)
            return _california_features(
                _parse_cal_housing(raw, f"{archive}:{CALIFORNIA_MEMBER}"))
        state = ("does not exist" if not local.is_dir()
                 else f"has neither {CALIFORNIA_DATA} nor "
                      f"{CALIFORNIA_ARCHIVE}")
        raise DataNotFoundError(
            f"California Housing: the folder {local} (from {origin}) {state}. "
            f"Put the StatLib file {CALIFORNIA_DATA} (or the archive "
            f"{CALIFORNIA_ARCHIVE} from {CALIFORNIA_URLS[0]}) in that folder, "
            "or point data_dir=... or the environment variable "
            f"{CALIFORNIA_ENV} at a folder that has it (with neither set, "
            f"load_california_housing downloads it into {cache}).")
    hint = (f"download {CALIFORNIA_ARCHIVE} from {CALIFORNIA_URLS[0]} by hand "
            f"and put it (or the {CALIFORNIA_DATA} inside it) in a folder "
            "given by data_dir=... or by the environment variable "
            f"{CALIFORNIA_ENV}, or put the archive into the cache folder "
            f"{cache}")
    path = _cached_file(CALIFORNIA_ARCHIVE, cache, CALIFORNIA_URLS, "sha256",
                        CALIFORNIA_ARCHIVE_SHA256, download, hint)
    raw = _read_cal_housing_tgz(path)
    return _california_features(
        _parse_cal_housing(raw, f"{path}:{CALIFORNIA_MEMBER}"))
