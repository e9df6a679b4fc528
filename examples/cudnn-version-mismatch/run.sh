#!/bin/sh
# "Loaded runtime CuDNN library: 8.6.0 but source was compiled with: 8.9.7":
# two cuDNN installs. The framework bundles cuDNN 8.9.7 (app/lib, found
# through its RUNPATH); an older cuDNN 8.6.0 in /opt is on LD_LIBRARY_PATH,
# which glibc searches first. Fakes: cuDNN 8.9.7 and 8.6.0 of the test bed.
#   run.sh [gpushim run options]
. "$(dirname "$0")/../lib.sh"
mkdir -p "$W/app/bin" "$W/app/lib" "$W/opt/cudnn-8.6.0/lib"
cp "$EX/cudnn-version-mismatch/tf_like" "$W/app/bin/"
cp -P "$FAKES"/cudnn-8.9.7/libcudnn.so.8* "$W/app/lib/"
cp -P "$FAKES"/cudnn-8.6.0/libcudnn.so.8* "$W/opt/cudnn-8.6.0/lib/"
env LD_LIBRARY_PATH="$W/opt/cudnn-8.6.0/lib" "$G" run "$@" -- "$W/app/bin/tf_like" && rc=0 || rc=$?
exit "$rc"
