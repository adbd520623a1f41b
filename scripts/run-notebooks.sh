#!/usr/bin/env bash
# Executes the Java notebooks headlessly and checks them. Fails (exit 1) when
#   - a committed notebook carries outputs or execution counts, an absolute machine path (/work, /root,
#     /home, ...), another kernel than "vae-spark-java", or no metadata.vae_spark.expected_images;
#   - a cell fails (error output), a notebook runs past the time-out, or the kernel does not start;
#   - an executed notebook's number of image/png outputs differs from metadata.vae_spark.expected_images.
# Executed notebooks (and each kernel's log) go to out/notebooks/. Closes with
# "notebooks: N passed, N failed".
#
# Usage: scripts/run-notebooks.sh [NOTEBOOK.ipynb...]     (default: notebooks/*.ipynb)
#        scripts/run-notebooks.sh --lint-only [NOTEBOOK...] (committed-form checks only, no build)
# Environment: VAE_NOTEBOOK_TIMEOUT  seconds one cell may run (default 900)
#              VAE_NOTEBOOKS_MAX_SECONDS  hard limit for executing all notebooks (default 3600)
#              VAE_NOTEBOOK_OUT      output folder (default out/notebooks)
#              VAE_KERNEL_JAVA, VAE_KERNEL_HEAP, ...  passed on to install-kernel.sh
# Needs Debian's python3-nbclient and jupyter-client (apt-get install -y python3-nbclient jupyter-client).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PYTHON="${VAE_PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"
if ! "$PYTHON" -c 'import nbclient, nbformat, jupyter_client' 2>/dev/null; then
  echo "run-notebooks.sh: $PYTHON lacks nbclient; on Debian: apt-get install -y python3-nbclient jupyter-client" >&2
  exit 1
fi

lint_only=0
if [ "${1:-}" = "--lint-only" ]; then lint_only=1; shift; fi
if [ "$#" -gt 0 ]; then
  notebooks=("$@")
else
  shopt -s nullglob
  notebooks=("$ROOT"/notebooks/*.ipynb)
  shopt -u nullglob
fi
if [ "${#notebooks[@]}" -eq 0 ]; then
  echo "run-notebooks.sh: no notebooks found" >&2
  exit 1
fi

"$PYTHON" "$ROOT/scripts/notebooks.py" lint "${notebooks[@]}"
echo "Committed form OK: ${#notebooks[@]} notebook(s)" >&2
[ "$lint_only" = 1 ] && exit 0

vae_build

# A private Jupyter dir: the kernel spec and connection files live there and vanish afterwards.
JUPYTER_TMP="$(mktemp -d "${TMPDIR:-/tmp}/vae-jupyter.XXXXXX")"
trap 'rm -rf "$JUPYTER_TMP"' EXIT
bash "$ROOT/scripts/install-kernel.sh" "$JUPYTER_TMP/kernels"
export JUPYTER_PATH="$JUPYTER_TMP" JUPYTER_RUNTIME_DIR="$JUPYTER_TMP/runtime"

cell_timeout="${VAE_NOTEBOOK_TIMEOUT:-900}"
# Hard stop for the whole run in case a kernel hangs where nbclient's per-cell time-out cannot reach.
timeout --kill-after=30 "${VAE_NOTEBOOKS_MAX_SECONDS:-3600}" \
  "$PYTHON" "$ROOT/scripts/notebooks.py" run "${VAE_NOTEBOOK_OUT:-$ROOT/out/notebooks}" "$cell_timeout" \
  "${notebooks[@]}"
