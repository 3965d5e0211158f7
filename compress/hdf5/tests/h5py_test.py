#!/usr/bin/env python3
"""h5py (Debian's python3-h5py) writes chunked datasets through the tessera filter plugin, which
HDF5 loads from HDF5_PLUGIN_PATH as CTest sets it, and reads them back within their bounds, as
compress/README.md shows a user. Exits 77 (skipped) where h5py is missing."""
import os
import struct
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError as missing:
    print(f"skipped: {missing} (Debian: python3-h5py)")
    sys.exit(77)

FILTER = 47301


def halves(x):  # a double as two cd_values, low 32 bits first
    return struct.unpack("<II", struct.pack("<d", x))


def field(shape, dtype):
    """A smooth field with noise (seeded), like a temperature over a grid."""
    axes = np.meshgrid(*[np.linspace(0.0, 3.0, n) for n in shape], indexing="ij")
    smooth = 280.0 + 10.0 * np.sin(sum(axes)) * np.cos(axes[-1])
    return (smooth + np.random.default_rng(7).normal(0.0, 0.2, shape)).astype(dtype)


def check(name, got, want, bound, exact=None):
    assert got.dtype == want.dtype and got.shape == want.shape, f"{name}: {got.dtype} {got.shape}"
    error = np.abs(got.astype("f8") - want.astype("f8"))
    if exact is not None:  # fill points are stored exactly
        assert np.array_equal(got[exact], want[exact]), f"{name}: fill values changed"
        error = error[~exact]
    assert error.max() <= bound, f"{name}: max error {error.max()} over the bound {bound}"


def main():
    assert os.environ.get("HDF5_PLUGIN_PATH"), "HDF5_PLUGIN_PATH is not set"
    t = field((20, 90, 120), "f4")
    front = field((300, 200), "f8")
    holed = t.copy()
    holed[:, 40:50, 60:80] = -9999.0  # missing values, marked by the fill value
    rel = 1e-3
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "fields.h5")
        with h5py.File(path, "w") as f:
            f.create_dataset("t", data=t, chunks=(5, 90, 120), compression=FILTER,
                             compression_opts=(1, *halves(1e-2), *halves(0.0), 0))
            f.create_dataset("front", data=front, chunks=(100, 200), compression=FILTER,
                             compression_opts=(1, *halves(1e-6), *halves(0.0), 0))
            f.create_dataset("holed", data=holed, chunks=(5, 45, 60), compression=FILTER,
                             compression_opts=(2, *halves(0.0), *halves(rel), 0),
                             fillvalue=-9999.0)
            try:  # integers are refused when the dataset is created
                f.create_dataset("counts", data=np.arange(100, dtype="i4"), chunks=(10,),
                                 compression=FILTER, compression_opts=(1, *halves(1.0), 0, 0, 0))
                raise AssertionError("an integer dataset was accepted")
            except (ValueError, OSError, RuntimeError):
                pass
        with h5py.File(path, "r") as f:  # decompressed through the plugin
            for name, data in (("t", t), ("front", front), ("holed", holed)):
                plist = f[name].id.get_create_plist()
                assert plist.get_filter(0)[0] == FILTER, f"{name}: not stored with the filter"
                stored = f[name].id.get_storage_size()
                assert stored < data.nbytes / 2, f"{name}: {stored} bytes of {data.nbytes}"
            check("t", f["t"][...], t, 1e-2)
            check("front", f["front"][...], front, 1e-6)
            fill = holed == -9999.0
            value_range = float(holed[~fill].max() - holed[~fill].min())
            check("holed", f["holed"][...], holed, rel * value_range, exact=fill)
            check("a slice of t", f["t"][3:7, 10:20, ::7], t[3:7, 10:20, ::7], 1e-2)
    print("h5py wrote and read 3 datasets through the tessera filter within their bounds")


if __name__ == "__main__":
    main()
