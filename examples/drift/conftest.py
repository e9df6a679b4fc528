"""gpushim drift check for a pytest session.

Put this file at the root of your test tree (or merge it into the
conftest.py there). When pytest starts, it re-executes the same pytest
command under

    gpushim run -q --check gpushim-baseline.json -- python -m pytest ARGS...

so the whole session, and every process it starts, is compared with the
committed baseline: the GPU libraries each process resolved to, the return
codes of the GPU calls, the failed loads and the kernel driver. The session
fails with pytest's own status when tests fail, and with status 10 when the
tests passed but the GPU stack drifted. See docs/drift.md.

Environment:
  GPUSHIM_DRIFT=0        run pytest as it is, without gpushim
  GPUSHIM_UPDATE=1       write the baseline instead of checking it (also
                         done when the baseline file does not exist yet)
  GPUSHIM_BASELINE=FILE  the baseline (default: gpushim-baseline.json next
                         to this file)
  GPUSHIM_JUNIT=FILE     also write the drift as JUnit XML for CI
  GPUSHIM_ARGS="..."     more gpushim options, e.g. "--ignore path --allow minor"
  GPUSHIM=PATH           the gpushim executable (default: from PATH)

The same without a conftest.py, as one command line:

    gpushim run -q --check gpushim-baseline.json -- python -m pytest
"""
import os
import shlex
import shutil
import sys
import warnings

_HERE = os.path.dirname(os.path.abspath(__file__))


def _gpushim_command():
    """The gpushim command line to re-run this session under, or None."""
    # Under gpushim already (GPUSHIM_FIFO is set for CMD and everything it
    # starts, pytest-xdist workers included), or switched off.
    if os.environ.get("GPUSHIM_FIFO") or os.environ.get("GPUSHIM_DRIFT") == "0":
        return None
    gpushim = shutil.which(os.environ.get("GPUSHIM", "gpushim"))
    if not gpushim:
        warnings.warn("gpushim not found: the GPU library drift check is skipped")
        return None
    baseline = os.environ.get("GPUSHIM_BASELINE",
                              os.path.join(_HERE, "gpushim-baseline.json"))
    update = os.environ.get("GPUSHIM_UPDATE") == "1" or not os.path.exists(baseline)
    cmd = [gpushim, "run", "-q", "--baseline" if update else "--check", baseline]
    junit = os.environ.get("GPUSHIM_JUNIT")
    if junit and not update:
        cmd += ["--junit", junit]
    cmd += shlex.split(os.environ.get("GPUSHIM_ARGS", ""))
    return cmd + ["--", sys.executable, "-m", "pytest"] + sys.argv[1:]


def pytest_configure(config):
    cmd = _gpushim_command()
    if cmd is None:
        return
    # pytest captures fd 1 and 2 by now; give the real ones back before
    # this process becomes gpushim, or all output would go to the capture.
    capman = config.pluginmanager.getplugin("capturemanager")
    if capman is not None:
        capman.stop_global_capturing()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(cmd[0], cmd)
