# Sourced by the benchmark scripts that run the peers: sets py (PyTorch + transformers in bench/.venv, from
# bench/rome/requirements.txt and the local pip indexes) and node_modules (node-llama-cpp 3.21.1 in bench/.node, its
# prebuilt CPU binaries), installing each once; both folders are git-ignored. Needs root set to the repository.
py="$root/bench/.venv/bin/python"
node_modules="$root/bench/.node/node_modules"
if [ ! -x "$py" ]; then
  echo "${0##*/}: creating bench/.venv (torch, transformers)..." >&2
  python3 -m venv "$root/bench/.venv"
  PIP_RETRIES=0 "$py" -m pip install -q -r "$root/bench/rome/requirements.txt" >&2
fi
if [ ! -d "$node_modules/node-llama-cpp" ]; then
  echo "${0##*/}: installing node-llama-cpp@3.21.1 into bench/.node..." >&2
  mkdir -p "$root/bench/.node"
  npm install --prefix "$root/bench/.node" --no-audit --no-fund -E node-llama-cpp@3.21.1 >&2
fi
