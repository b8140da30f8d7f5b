"""Backups sealed for their keeper: `manage.py backup --to PATH --encrypt-to KEY` encrypts the
backup and its manifest to the OpenPGP public key KEY (a fingerprint or address in the keyring of
the user running it, GNUPGHOME) and removes the clear files, so the machine that takes the backups
never holds the key that reads them. `manage.py restore --from PATH.gpg` decrypts both into a
private temporary directory (the private key in the restoring user's keyring) and restores as
usual; the directory is removed afterwards.

GnuPG's `gpg`, because it is the tool an IT team already has for this (Debian installs it), its
format is authenticated (a changed file does not decrypt), and a public key is all the backup
machine needs: nothing cryptographic is written here. `--trust-model always`: the operator chose
the key by naming it; a batch job cannot answer gpg's trust question.
"""

import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .backup import OWNER_ONLY, BackupError, manifest_path

SUFFIX = ".gpg"


def is_sealed(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def refuse_existing(backup: Path) -> None:
    """Before a backup is taken: its sealed files must be new names."""
    for path in (backup, manifest_path(backup)):
        target = path.with_name(path.name + SUFFIX)
        if target.exists():
            raise BackupError(f"{target} already exists; choose a new name")


def seal(paths: Sequence[Path], recipient: str) -> list[Path]:
    """Each file encrypted to `recipient` beside itself (NAME.gpg, owner-only), then the clear
    files removed — also when encrypting fails: asked for a sealed backup, none is left in the
    clear."""
    sealed: list[Path] = []
    try:
        for path in paths:
            target = path.with_name(path.name + SUFFIX)
            if target.exists():
                raise BackupError(f"{target} already exists; choose a new name")
            target.touch(mode=OWNER_ONLY)
            sealed.append(target)
            _gpg(["--encrypt", "--recipient", recipient, "--output", str(target), str(path)])
            target.chmod(OWNER_ONLY)
    except BaseException:
        for target in sealed:
            target.unlink(missing_ok=True)
        raise
    finally:
        for path in paths:
            path.unlink(missing_ok=True)
    return sealed


@contextmanager
def unsealed(source: Path) -> Iterator[Path]:
    """The clear backup of a sealed one, with its manifest beside it, in a directory only this
    user can read (under TMPDIR: it must have room for the whole backup), removed when the block
    ends."""
    plain_name = source.name.removesuffix(SUFFIX)
    sealed_manifest = source.with_name(plain_name + ".json" + SUFFIX)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if not sealed_manifest.is_file():
        raise BackupError(f"no sealed manifest beside the backup ({sealed_manifest})")
    with tempfile.TemporaryDirectory(prefix="medhome-restore-") as directory:
        plain = Path(directory) / plain_name
        _gpg(["--decrypt", "--output", str(plain), str(source)])
        _gpg(["--decrypt", "--output", str(manifest_path(plain)), str(sealed_manifest)])
        yield plain


def _gpg(arguments: list[str]) -> None:
    command = ["gpg", "--batch", "--yes", "--quiet", "--trust-model", "always", *arguments]
    try:
        done = subprocess.run(command, capture_output=True, check=False)  # noqa: S603,S607
    except FileNotFoundError:
        raise BackupError("gpg is not installed (Debian: apt install gnupg)") from None
    if done.returncode != 0:
        # gpg's own words name keys and files, never the backup's contents.
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"gpg failed (exit {done.returncode}): {said[-1] if said else ''}")
