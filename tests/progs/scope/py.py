"""The Python cells of tests/t/gpu-scope.sh.

  py.py ctypes PLUGIN         ctypes.CDLL(PLUGIN): the default mode (RTLD_LOCAL)
  py.py ctypes-global PLUGIN  ctypes.CDLL(PLUGIN, mode=RTLD_GLOBAL)
  py.py ext DIR               import _scope_ext from DIR (an extension module
                              whose DT_NEEDED is the plugin), run it
The plugin prints its calls itself (C stdio, flushed); this prints nothing
else on success. Stdlib only."""
import ctypes
import sys


def main():
    mode, arg = sys.argv[1], sys.argv[2]
    sys.stdout.flush()
    if mode == "ctypes":
        return ctypes.CDLL(arg).scope_plugin_run()
    if mode == "ctypes-global":
        return ctypes.CDLL(arg, mode=ctypes.RTLD_GLOBAL).scope_plugin_run()
    if mode == "ext":
        sys.path.insert(0, arg)
        import _scope_ext  # pylint: disable=import-error,import-outside-toplevel
        return _scope_ext.run()
    print("py.py: unknown mode %s" % mode, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
