#!/usr/bin/env bash
# Validates the Kubernetes manifests in deploy/ against the API schemas of the oldest
# Kubernetes they are written for (1.33: per-index retries and FailIndex) and of the
# newest the validator knows, in strict mode (an unknown or misspelt field fails).
# kubernetes-validate (PyPI) is installed once into a virtualenv under the target dir.
set -euo pipefail

VERSION=1.37.0
VENV="${CARGO_TARGET_DIR:-target}/tools/kubernetes-validate-$VERSION"
VALIDATE="$VENV/bin/kubernetes-validate"

if [ -x "$VALIDATE" ]; then
  echo "== check-deploy: kubernetes-validate $VERSION present =="
else
  echo "== check-deploy: installing kubernetes-validate $VERSION into $VENV =="
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$VERSION"
fi

for k8s in 1.33.0 "$VERSION"; do
  "$VALIDATE" --strict --quiet --kubernetes-version "$k8s" deploy/*.yaml
done

# The check must be able to fail: a misspelt field has to be refused.
broken=$(mktemp --suffix=.yaml)
trap 'rm -f "$broken"' EXIT
sed 's/completionMode:/completionsMode:/' deploy/sweep-job.yaml >"$broken"
if "$VALIDATE" --strict --quiet --kubernetes-version "$VERSION" "$broken" >/dev/null 2>&1; then
  echo "check-deploy: a misspelt field passed validation; the check is not checking" >&2
  exit 1
fi
echo "== check-deploy: deploy/*.yaml valid for Kubernetes 1.33 and $VERSION =="
