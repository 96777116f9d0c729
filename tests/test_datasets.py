"""Tests of mfnet_book.datasets: real files (when present) and small files made here.

No test touches the network: an autouse fixture replaces the loader's only
network access, ``mfnet_book.datasets._open_url``, by a function that fails the
test; tests that exercise downloading install a fake one (or allow file://
URLs only).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import struct
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from mfnet_book import datasets
from mfnet_book.datasets import (ChecksumError, DataFormatError, DataNotFoundError, load_california_housing,
                            load_mnist, read_idx)

# ---------------------------------------------------------------------------
# Where the real data is (resolved before any fixture changes the environment)
# ---------------------------------------------------------------------------
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
REAL_MNIST = Path(os.environ.get("MFNET_MNIST_DIR") or SHARED / "mnist-10k")
REAL_CALIFORNIA = Path(os.environ.get("MFNET_CALIFORNIA_DIR") or SHARED / "california-housing")

CONFIGURED = {var: os.environ.get(var) for var in ("MFNET_MNIST_DIR", "MFNET_CALIFORNIA_DIR")}

MNIST_SUBSET_MD5 = {  # the 10,000-image training subset of ../shared/data (see its README)
    "train-images-idx3-ubyte.gz": "fc8c80e2facbc48dfb7430fc80f306f5",
    "train-labels-idx1-ubyte.gz": "5ee67e8d106b5ee68fdccf86823e498f",
}


def _has_mnist(split):
    return all((REAL_MNIST / name).is_file() for name in datasets.MNIST_FILES[split])


needs_mnist_train = pytest.mark.skipif(
    not _has_mnist("train"), reason=f"MNIST training files not found in {REAL_MNIST} "
    "(set MFNET_MNIST_DIR)")
needs_mnist_test = pytest.mark.skipif(
    not _has_mnist("test"), reason=f"MNIST test files not found in {REAL_MNIST} (set MFNET_MNIST_DIR)")
needs_california = pytest.mark.skipif(
    not (REAL_CALIFORNIA / "cal_housing.data").is_file(),
    reason=f"cal_housing.data not found in {REAL_CALIFORNIA} (set MFNET_CALIFORNIA_DIR)")


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------
# Isolation: no network, a private cache, no data env vars
# ---------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    def no_network(url, timeout=None):
        raise AssertionError(f"a test tried to open {url}")

    monkeypatch.setattr(datasets, "_open_url", no_network)
    monkeypatch.setenv("MFNET_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("MFNET_MNIST_DIR", raising=False)
    monkeypatch.delenv("MFNET_CALIFORNIA_DIR", raising=False)


class FakeWeb:
    """Stands in for ``_open_url``: serves ``pages[url]``, else raises URLError."""

    def __init__(self, pages=None, fail_after=None):
        self.pages = dict(pages or {})
        self.requests = []
        self.fail_after = fail_after  # bytes delivered before the connection "drops"

    def __call__(self, url, timeout=None):
        self.requests.append(url)
        if url not in self.pages:
            raise urllib.error.URLError(f"[Errno -3] Temporary failure in name resolution ({url})")
        data = self.pages[url]
        if self.fail_after is None:
            return io.BytesIO(data)
        return _Dropping(data, self.fail_after)


class _Dropping(io.BytesIO):
    def __init__(self, data, limit):
        super().__init__(data)
        self.limit = limit

    def read(self, size=-1):
        if self.tell() >= self.limit:
            raise ConnectionResetError("connection reset by peer")
        return super().read(min(size, self.limit - self.tell()) if size and size > 0 else
                            self.limit - self.tell())


# ---------------------------------------------------------------------------
# Building small IDX / California files
# ---------------------------------------------------------------------------
def idx_bytes(array: np.ndarray) -> bytes:
    codes = {np.dtype("uint8"): 0x08, np.dtype("int8"): 0x09, np.dtype("int16"): 0x0B,
             np.dtype("int32"): 0x0C, np.dtype("float32"): 0x0D, np.dtype("float64"): 0x0E}
    code = codes[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def small_mnist(n=7, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255
    labels = (np.arange(n) * 3 % 10).astype(np.uint8)
    return images, labels


def mnist_gz(images, labels):
    return gzip.compress(idx_bytes(images), mtime=0), gzip.compress(idx_bytes(labels), mtime=0)


def write_mnist(folder: Path, split="train", n=7, seed=0, compress=True):
    folder.mkdir(parents=True, exist_ok=True)
    images, labels = small_mnist(n, seed)
    img_name, lab_name = datasets.MNIST_FILES[split]
    if compress:
        img, lab = mnist_gz(images, labels)
    else:
        img, lab = idx_bytes(images), idx_bytes(labels)
        img_name, lab_name = img_name[:-3], lab_name[:-3]
    (folder / img_name).write_bytes(img)
    (folder / lab_name).write_bytes(lab)
    return images, labels


CAL_ROWS = [  # longitude, latitude, age, rooms, bedrooms, population, households, income, value
    "-122.230000,37.880000,41.000000,880.000000,129.000000,322.000000,126.000000,8.325200,452600.000000",
    "-118.000000,34.000000,10.000000,1000.000000,250.000000,900.000000,300.000000,2.500000,150000.000000",
    "-120.500000,36.250000,52.000000,30.000000,6.000000,12.000000,4.000000,1.000000,500001.000000",
]
CAL_EXPECTED_X = np.array([
    [8.3252, 41.0, 880 / 126, 129 / 126, 322.0, 322 / 126, 37.88, -122.23],
    [2.5, 10.0, 1000 / 300, 250 / 300, 900.0, 900 / 300, 34.0, -118.0],
    [1.0, 52.0, 30 / 4, 6 / 4, 12.0, 12 / 4, 36.25, -120.5],
])
CAL_EXPECTED_Y = np.array([4.526, 1.5, 5.00001])


def cal_data_bytes(rows=CAL_ROWS):
    return ("\n".join(rows) + "\n").encode()


def cal_tgz_bytes(data: bytes, member="CaliforniaHousing/cal_housing.data") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def files_in(folder: Path):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ===========================================================================
# Real MNIST files
# ===========================================================================
def header_count(path: Path) -> int:
    with gzip.open(path, "rb") as stream:
        magic, count = struct.unpack(">II", stream.read(8))
    return count


@needs_mnist_train
def test_real_mnist_train_shapes_dtypes_and_header_count():
    images, labels = load_mnist("train", data_dir=REAL_MNIST)
    names = datasets.MNIST_FILES["train"]
    n = header_count(REAL_MNIST / names[0])
    assert n == header_count(REAL_MNIST / names[1])
    if all(md5((REAL_MNIST / f).read_bytes()) == MNIST_SUBSET_MD5[f] for f in names):
        assert n == 10_000  # the offline subset (see ../shared/data/README.md)
    elif all(md5((REAL_MNIST / f).read_bytes()) == datasets.MNIST_MD5[f] for f in names):
        assert n == 60_000
    assert images.shape == (n, 784) and images.dtype == np.float64
    assert labels.shape == (n,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    assert set(np.unique(labels)) == set(range(10))
    # the first training digits of MNIST are well known
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    # pixels: the raw bytes after the 16-byte header, divided by 255
    with gzip.open(REAL_MNIST / names[0], "rb") as stream:
        raw = stream.read(16 + 2 * 784)[16:]
    assert np.array_equal(images[:2].ravel(), np.frombuffer(raw, np.uint8) / 255.0)


@needs_mnist_test
def test_real_mnist_test_split_is_the_official_one():
    for name in datasets.MNIST_FILES["test"]:
        assert md5((REAL_MNIST / name).read_bytes()) == datasets.MNIST_MD5[name]
    images, labels = load_mnist("test", data_dir=REAL_MNIST)
    assert images.shape == (10_000, 784) and images.dtype == np.float64
    assert labels.shape == (10_000,) and labels.dtype == np.int64
    assert 0 <= labels.min() and labels.max() <= 9
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@needs_mnist_test
def test_real_mnist_found_through_environment_variable(monkeypatch):
    monkeypatch.setenv("MFNET_MNIST_DIR", str(REAL_MNIST))
    images, labels = load_mnist("test")
    assert images.shape == (10_000, 784) and labels.shape == (10_000,)


# ===========================================================================
# Real California Housing file
# ===========================================================================
def sklearn_derivation(table):
    """scikit-learn's fetch_california_housing steps, applied to the raw table."""
    cal = table[:, [8, 7, 2, 3, 4, 5, 6, 1, 0]]
    target, data = cal[:, 0], cal[:, 1:].copy()
    data[:, 2] /= data[:, 5]
    data[:, 3] /= data[:, 5]
    data[:, 5] = data[:, 4] / data[:, 5]
    return data, target / 100000.0


@needs_california
def test_real_california_shapes_and_values_recomputed_with_csv():
    path = REAL_CALIFORNIA / "cal_housing.data"
    X, y, names = load_california_housing(data_dir=REAL_CALIFORNIA)
    assert X.shape == (20640, 8) and X.dtype == np.float64
    assert y.shape == (20640,) and y.dtype == np.float64
    assert names == ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup",
                     "Latitude", "Longitude"]
    with open(path, newline="") as stream:
        rows = [[float(v) for v in row] for row in csv.reader(stream)]
    assert len(rows) == 20640 and all(len(r) == 9 for r in rows)
    for i in (0, 1, 4567, 12345, 20639):
        lon, lat, age, rooms, beds, pop, hh, inc, val = rows[i]
        expected = [inc, age, rooms / hh, beds / hh, pop, pop / hh, lat, lon]
        np.testing.assert_allclose(X[i], expected, rtol=1e-15, atol=0)
        assert y[i] == pytest.approx(val / 100000.0, rel=1e-15)
    # the whole table, derived the way scikit-learn's loader does it: bit for bit
    X_ref, y_ref = sklearn_derivation(np.array(rows))
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)
    assert 0.14 < y.min() and y.max() < 5.0001  # the target is capped at 500,001 USD


@needs_california
def test_real_california_file_is_the_canonical_one_and_env_var_works(monkeypatch):
    data = (REAL_CALIFORNIA / "cal_housing.data").read_bytes()
    assert sha256(data) == datasets.CALIFORNIA_DATA_SHA256
    monkeypatch.setenv("MFNET_CALIFORNIA_DIR", str(REAL_CALIFORNIA))
    X, y, _ = load_california_housing()
    assert X.shape == (20640, 8)
    assert X[0].tolist() == pytest.approx([8.3252, 41.0, 880 / 126, 129 / 126, 322.0, 322 / 126,
                                           37.88, -122.23], rel=1e-15)
    assert y[0] == pytest.approx(4.526, rel=1e-15)


# ===========================================================================
# Small IDX files in a local folder
# ===========================================================================
@pytest.mark.parametrize("split", ["train", "test"])
def test_small_idx_files_from_local_folder(tmp_path, split):
    images, labels = write_mnist(tmp_path, split, n=7)
    X, y = load_mnist(split, data_dir=tmp_path)
    assert X.shape == (7, 784) and X.dtype == np.float64
    assert y.shape == (7,) and y.dtype == np.int64
    assert np.array_equal(X, images.reshape(7, 784) / 255.0)
    assert np.array_equal(y, labels)
    assert X[0, 0] == 0.0 and X[0, 1] == 1.0


def test_item_count_comes_from_the_header(tmp_path, monkeypatch):
    write_mnist(tmp_path, "train", n=3)
    monkeypatch.setenv("MFNET_MNIST_DIR", str(tmp_path))
    X, y = load_mnist("train")
    assert X.shape == (3, 784) and y.shape == (3,)


def test_train_size_takes_the_first_samples_of_a_larger_file(tmp_path):
    """The full file and a subset give the same data with train_size."""
    big, small = tmp_path / "full", tmp_path / "subset"
    images, labels = write_mnist(big, "train", n=9)
    write_mnist(small, "train", n=9)
    # the subset folder holds only the first 5 samples of the same data
    (small / "train-images-idx3-ubyte.gz").write_bytes(mnist_gz(images[:5], labels[:5])[0])
    (small / "train-labels-idx1-ubyte.gz").write_bytes(mnist_gz(images[:5], labels[:5])[1])
    X_big, y_big = load_mnist("train", data_dir=big, train_size=5)
    X_small, y_small = load_mnist("train", data_dir=small, train_size=5)
    assert np.array_equal(X_big, X_small) and np.array_equal(y_big, y_small)
    assert np.array_equal(X_big, images[:5].reshape(5, 784) / 255.0)
    assert np.array_equal(y_big, labels[:5])
    with pytest.raises(DataFormatError, match=r"^MNIST 'train': train_size=6 asks for more samples than "
                                              r".*train-images-idx3-ubyte\.gz holds \(5, from its header\)$"):
        load_mnist("train", data_dir=small, train_size=6)
    with pytest.raises(TypeError, match=r"^load_mnist: train_size must be a whole number \(an int\), got 5\.0"):
        load_mnist("train", data_dir=small, train_size=5.0)
    with pytest.raises(ValueError, match=r"^load_mnist: train_size must be at least 1, got 0$"):
        load_mnist("train", data_dir=small, train_size=0)


def test_unpacked_idx_files_are_accepted(tmp_path):
    images, labels = write_mnist(tmp_path, "test", n=4, compress=False)
    X, y = load_mnist("test", data_dir=tmp_path)
    assert np.array_equal(X, images.reshape(4, -1) / 255.0) and np.array_equal(y, labels)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
def test_read_idx_roundtrip(tmp_path, dtype):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == "uint8":
        array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / "x-idx3.gz"
    path.write_bytes(gzip.compress(idx_bytes(array)))
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == (2, 3, 4)
    assert np.array_equal(back, array)


def test_truncated_gzip_is_an_error(tmp_path):
    write_mnist(tmp_path, "train", n=5)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match=r"train-images-idx3-ubyte\.gz is not a complete gzip"):
        load_mnist("train", data_dir=tmp_path)


def test_not_gzip_at_all_is_an_error(tmp_path):
    write_mnist(tmp_path, "train", n=5)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(DataFormatError, match=r"train-labels-idx1-ubyte\.gz is not a complete gzip"):
        load_mnist("train", data_dir=tmp_path)


def test_idx_shorter_than_its_header_says_is_an_error(tmp_path):
    write_mnist(tmp_path, "train", n=5)
    images, _ = small_mnist(5)
    raw = idx_bytes(images)[:-100]  # a valid gzip stream of an incomplete IDX file
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(raw))
    with pytest.raises(DataFormatError,
                       match=r"truncated: the header announces shape \(5, 28, 28\), i\.e\. 3920 "
                             r"bytes of data, but the file holds 3820"):
        load_mnist("train", data_dir=tmp_path)


def test_idx_with_trailing_bytes_is_an_error(tmp_path):
    images, labels = small_mnist(5)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels) + b"\0"))
    with pytest.raises(DataFormatError, match="has trailing bytes"):
        load_mnist("test", data_dir=tmp_path)


def test_truncated_idx_header_is_an_error(tmp_path):
    write_mnist(tmp_path, "train", n=5)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"\0\0\x08\x03\0\0\0\x05"))
    with pytest.raises(DataFormatError, match="truncated IDX header"):
        load_mnist("train", data_dir=tmp_path)


def test_wrong_magic_number_is_an_error(tmp_path):
    write_mnist(tmp_path, "train", n=5)
    # swap the files: labels where the images should be
    img, lab = tmp_path / "train-images-idx3-ubyte.gz", tmp_path / "train-labels-idx1-ubyte.gz"
    data_img, data_lab = img.read_bytes(), lab.read_bytes()
    img.write_bytes(data_lab)
    lab.write_bytes(data_img)
    with pytest.raises(DataFormatError, match=r"magic number 0x00000801, expected 0x00000803"):
        load_mnist("train", data_dir=tmp_path)
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"GIF89a" + bytes(100)))
    with pytest.raises(DataFormatError, match=r"not an IDX file \(magic number 0x47494638\)"):
        load_mnist("train", data_dir=tmp_path)


def test_image_and_label_counts_must_agree(tmp_path):
    images, labels = small_mnist(7)
    img, lab = mnist_gz(images, labels[:6])
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(img)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(lab)
    with pytest.raises(DataFormatError, match="holds 7 images but .* holds 6 labels"):
        load_mnist("train", data_dir=tmp_path)


def test_labels_out_of_range_are_an_error(tmp_path):
    images, labels = small_mnist(4)
    labels[2] = 12
    img, lab = mnist_gz(images, labels)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(img)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(lab)
    with pytest.raises(DataFormatError, match=r"label 12 out of range 0\.\.9"):
        load_mnist("test", data_dir=tmp_path)


def test_unknown_split():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        load_mnist("validation")


# ===========================================================================
# Missing local data
# ===========================================================================
def test_empty_local_folder_names_the_files_and_the_env_var(tmp_path):
    with pytest.raises(DataNotFoundError) as info:
        load_mnist("train", data_dir=tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message and "data_dir argument" in message
    assert "train-images-idx3-ubyte.gz" in message and "train-labels-idx1-ubyte.gz" in message
    assert "MFNET_MNIST_DIR" in message
    assert isinstance(info.value, FileNotFoundError)


def test_local_folder_lacking_one_file(tmp_path):
    write_mnist(tmp_path, "test", n=3)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataNotFoundError, match=r"lacks t10k-labels-idx1-ubyte\.gz\. .*MFNET_MNIST_DIR"):
        load_mnist("test", data_dir=tmp_path)


def test_env_var_pointing_at_missing_folder(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("MFNET_MNIST_DIR", str(missing))
    with pytest.raises(DataNotFoundError,
                       match=r"nowhere \(from the environment variable MFNET_MNIST_DIR\) does not exist"):
        load_mnist("test")


def test_local_folder_never_downloads(tmp_path):
    # the autouse fixture makes any network access fail the test with AssertionError
    with pytest.raises(DataNotFoundError):
        load_mnist("train", data_dir=tmp_path, download=True)


# ===========================================================================
# Downloading into the cache (fake network)
# ===========================================================================
def serve_small_mnist(monkeypatch, split="train", mirror=0, n=6):
    """Fake web serving small MNIST files on one mirror, with matching md5s."""
    images, labels = small_mnist(n)
    img, lab = mnist_gz(images, labels)
    names = datasets.MNIST_FILES[split]
    for name, data in zip(names, (img, lab)):
        monkeypatch.setitem(datasets.MNIST_MD5, name, md5(data))
    base = datasets.MNIST_MIRRORS[mirror]
    web = FakeWeb({base + names[0]: img, base + names[1]: lab})
    monkeypatch.setattr(datasets, "_open_url", web)
    return web, images, labels


def test_download_verifies_and_caches(monkeypatch, tmp_path):
    web, images, labels = serve_small_mnist(monkeypatch, "train")
    cache = tmp_path / "cache"
    X, y = load_mnist("train", cache_dir=cache)
    assert np.array_equal(X, images.reshape(6, -1) / 255.0) and np.array_equal(y, labels)
    assert files_in(cache) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
    assert len(web.requests) == 2
    X2, y2 = load_mnist("train", cache_dir=cache)  # from the cache, no new request
    assert len(web.requests) == 2
    assert np.array_equal(X2, X) and np.array_equal(y2, y)


def test_default_cache_is_under_MFNET_DATA_HOME(monkeypatch, tmp_path):
    serve_small_mnist(monkeypatch, "test")
    load_mnist("test")
    assert files_in(tmp_path / "data-home" / "mnist") == ["t10k-images-idx3-ubyte.gz",
                                                          "t10k-labels-idx1-ubyte.gz"]
    assert datasets.data_home() == tmp_path / "data-home"


def test_second_mirror_is_used_when_the_first_fails(monkeypatch, tmp_path):
    web, images, _ = serve_small_mnist(monkeypatch, "test", mirror=1)
    X, _ = load_mnist("test", cache_dir=tmp_path / "c")
    assert np.array_equal(X, images.reshape(6, -1) / 255.0)
    first, second = datasets.MNIST_MIRRORS
    assert web.requests == [first + "t10k-images-idx3-ubyte.gz", second + "t10k-images-idx3-ubyte.gz",
                            first + "t10k-labels-idx1-ubyte.gz", second + "t10k-labels-idx1-ubyte.gz"]


def test_checksum_mismatch_deletes_the_download(monkeypatch, tmp_path):
    bad = b"these are not the bytes you are looking for"
    name = "train-images-idx3-ubyte.gz"
    web = FakeWeb({m + name: bad for m in datasets.MNIST_MIRRORS})
    monkeypatch.setattr(datasets, "_open_url", web)
    cache = tmp_path / "cache"
    pattern = (rf"checksum mismatch for {name} downloaded from .*: expected md5 "
               rf"f68b3c2dcbeaaa9fbdd348bbdeb94873, got {md5(bad)}")
    with pytest.raises(ChecksumError, match=pattern):
        load_mnist("train", cache_dir=cache)
    assert files_in(cache) == []  # nothing left behind, not even a partial file
    assert len(web.requests) == len(datasets.MNIST_MIRRORS)


def test_corrupt_file_in_cache_is_not_used(monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    write_mnist(cache, "test", n=3)  # parses fine, but is not the canonical file
    with pytest.raises(ChecksumError, match=r"t10k-images-idx3-ubyte\.gz is in the download cache "
                                            r"but its md5 is [0-9a-f]{32}, expected "
                                            r"9fb629c4189551a2d022fa330f9573f3.*Delete it"):
        load_mnist("test", cache_dir=cache)


def test_offline_error_says_where_to_put_files(monkeypatch, tmp_path):
    web = FakeWeb()  # every request fails like a machine without network
    monkeypatch.setattr(datasets, "_open_url", web)
    cache = tmp_path / "cache"
    with pytest.raises(DataNotFoundError, match=r"could not download train-images-idx3-ubyte\.gz") as info:
        load_mnist("train", cache_dir=cache)
    message = str(info.value)
    assert "offline" in message and "MFNET_MNIST_DIR" in message and str(cache) in message
    assert isinstance(info.value.__cause__, urllib.error.URLError)
    assert files_in(cache) == []


def test_connection_dropped_mid_download(monkeypatch, tmp_path):
    _, _, _ = serve_small_mnist(monkeypatch, "train")
    web = datasets._open_url
    web.fail_after = 100
    cache = tmp_path / "cache"
    with pytest.raises(DataNotFoundError, match="could not download") as info:
        load_mnist("train", cache_dir=cache)
    # every source's failure is reported; the first mirror dropped the connection
    assert "ConnectionResetError: connection reset by peer" in str(info.value)
    assert files_in(cache) == []


def test_no_download_when_disabled(tmp_path):
    with pytest.raises(DataNotFoundError, match=r"not in the download cache .* download=False.*MFNET_MNIST_DIR"):
        load_mnist("test", cache_dir=tmp_path / "cache", download=False)


def test_download_through_urllib_from_file_url(monkeypatch, tmp_path):
    """The real urllib opener, fed a file:// mirror (no network)."""
    mirror = tmp_path / "mirror"
    images, labels = small_mnist(5)
    img, lab = mnist_gz(images, labels)
    mirror.mkdir()
    (mirror / "t10k-images-idx3-ubyte.gz").write_bytes(img)
    (mirror / "t10k-labels-idx1-ubyte.gz").write_bytes(lab)
    monkeypatch.setattr(datasets, "MNIST_MIRRORS", (mirror.as_uri() + "/",))
    monkeypatch.setitem(datasets.MNIST_MD5, "t10k-images-idx3-ubyte.gz", md5(img))
    monkeypatch.setitem(datasets.MNIST_MD5, "t10k-labels-idx1-ubyte.gz", md5(lab))

    def file_only(url, timeout=None):
        assert url.startswith("file://"), url
        return urllib.request.urlopen(url, timeout=timeout)

    monkeypatch.setattr(datasets, "_open_url", file_only)
    X, y = load_mnist("test", cache_dir=tmp_path / "cache")
    assert np.array_equal(y, labels) and X.shape == (5, 784)
    # a file:// mirror delivering wrong bytes
    (mirror / "t10k-images-idx3-ubyte.gz").write_bytes(b"corrupt")
    with pytest.raises(ChecksumError, match=md5(b"corrupt")):
        load_mnist("test", cache_dir=tmp_path / "cache2")
    assert files_in(tmp_path / "cache2") == []


# ===========================================================================
# California Housing: small files
# ===========================================================================
def test_small_cal_housing_data_file(tmp_path):
    (tmp_path / "cal_housing.data").write_bytes(cal_data_bytes())
    X, y, names = load_california_housing(data_dir=tmp_path)
    assert X.shape == (3, 8) and y.shape == (3,) and X.dtype == y.dtype == np.float64
    np.testing.assert_allclose(X, CAL_EXPECTED_X, rtol=1e-15, atol=0)
    np.testing.assert_allclose(y, CAL_EXPECTED_Y, rtol=1e-15, atol=0)
    assert names == list(datasets.CALIFORNIA_FEATURE_NAMES)


@pytest.mark.parametrize("layout", ["tgz", "subfolder"])
def test_small_cal_housing_archive_or_subfolder(tmp_path, layout, monkeypatch):
    if layout == "tgz":
        (tmp_path / "cal_housing.tgz").write_bytes(cal_tgz_bytes(cal_data_bytes()))
    else:
        (tmp_path / "CaliforniaHousing").mkdir()
        (tmp_path / "CaliforniaHousing" / "cal_housing.data").write_bytes(cal_data_bytes())
    monkeypatch.setenv("MFNET_CALIFORNIA_DIR", str(tmp_path))
    X, y, _ = load_california_housing()
    np.testing.assert_allclose(X, CAL_EXPECTED_X, rtol=1e-15, atol=0)
    np.testing.assert_allclose(y, CAL_EXPECTED_Y, rtol=1e-15, atol=0)


def test_truncated_cal_housing_data_is_an_error(tmp_path):
    data = cal_data_bytes()
    (tmp_path / "cal_housing.data").write_bytes(data[:-40])  # last line cut short
    with pytest.raises(DataFormatError, match=r"cal_housing\.data: not a valid cal_housing\.data file"):
        load_california_housing(data_dir=tmp_path)


def test_cal_housing_wrong_column_count_and_empty(tmp_path):
    (tmp_path / "cal_housing.data").write_bytes(b"1,2,3\n4,5,6\n")
    with pytest.raises(DataFormatError, match="3 columns, expected 9"):
        load_california_housing(data_dir=tmp_path)
    (tmp_path / "cal_housing.data").write_bytes(b"")
    with pytest.raises(DataFormatError, match="contains no data"):
        load_california_housing(data_dir=tmp_path)


def test_truncated_cal_housing_tgz_is_an_error(tmp_path):
    archive = cal_tgz_bytes(cal_data_bytes())
    (tmp_path / "cal_housing.tgz").write_bytes(archive[: len(archive) // 2])
    with pytest.raises(DataFormatError, match=r"cal_housing\.tgz: not a complete tar\.gz archive"):
        load_california_housing(data_dir=tmp_path)


def test_cal_housing_missing_local_folder(tmp_path):
    with pytest.raises(DataNotFoundError) as info:
        load_california_housing(data_dir=tmp_path)
    message = str(info.value)
    assert "cal_housing.data" in message and "cal_housing.tgz" in message
    assert "MFNET_CALIFORNIA_DIR" in message and str(tmp_path) in message


def serve_small_tgz(monkeypatch):
    archive = cal_tgz_bytes(cal_data_bytes())
    monkeypatch.setattr(datasets, "CALIFORNIA_ARCHIVE_SHA256", sha256(archive))
    web = FakeWeb({datasets.CALIFORNIA_URLS[0]: archive})
    monkeypatch.setattr(datasets, "_open_url", web)
    return web


def test_cal_housing_download_verifies_and_caches(monkeypatch, tmp_path):
    web = serve_small_tgz(monkeypatch)
    X, y, _ = load_california_housing()
    np.testing.assert_allclose(X, CAL_EXPECTED_X, rtol=1e-15, atol=0)
    assert files_in(tmp_path / "data-home" / "california_housing") == ["cal_housing.tgz"]
    load_california_housing()
    assert web.requests == [datasets.CALIFORNIA_URLS[0]]


def test_cal_housing_checksum_mismatch(monkeypatch, tmp_path):
    bad = cal_tgz_bytes(cal_data_bytes())  # a valid archive, but not the canonical one
    monkeypatch.setattr(datasets, "_open_url", FakeWeb({datasets.CALIFORNIA_URLS[0]: bad}))
    cache = tmp_path / "cache"
    pattern = (rf"checksum mismatch for cal_housing\.tgz downloaded from .*: expected sha256 "
               rf"aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681, got {sha256(bad)}")
    with pytest.raises(ChecksumError, match=pattern):
        load_california_housing(cache_dir=cache)
    assert files_in(cache) == []


def test_cal_housing_offline(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "_open_url", FakeWeb())
    with pytest.raises(DataNotFoundError, match=r"could not download cal_housing\.tgz.*offline.*"
                                                r"MFNET_CALIFORNIA_DIR") as info:
        load_california_housing()
    assert isinstance(info.value.__cause__, urllib.error.URLError)
    assert files_in(tmp_path / "data-home" / "california_housing") == []


@pytest.mark.parametrize("var, needed", [("MFNET_MNIST_DIR", "t10k-labels-idx1-ubyte.gz"),
                                         ("MFNET_CALIFORNIA_DIR", "cal_housing.data")])
def test_a_configured_data_folder_is_really_there(var, needed):
    """When CI or a user sets a data variable, the real-data tests above must run, not skip."""
    folder = CONFIGURED[var]
    if not folder:
        pytest.skip(f"{var} is not set")
    assert (Path(folder) / needed).is_file(), f"{var}={folder} does not hold {needed}"
