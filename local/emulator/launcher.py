"""keyplane local AWS: moto's threaded server, with Lambda functions that really run.

    python launcher.py --port 4566 [--host 127.0.0.1] [--state-dir .keyplane/local-aws]

moto's no-docker Lambda backend only echoes the event back. This launcher replaces
Lambda invocation (before the server starts) so that every Invoke -- and every
Secrets Manager RotateSecret, which invokes the rotation function once per step --
runs the deployed code with Node:

  * the function's zip is unpacked once per code sha256 under <state-dir>/code/<sha>/;
  * node-runtime.cjs (next to this file) loads the handler ("index.handler" =>
    index.js, export handler), passes the event on stdin and a minimal Lambda context,
    and writes the outcome to a result file;
  * the child gets only the function's environment (less KEYPLANE_RESERVED_CONCURRENCY,
    see run_function) plus what the Lambda runtime would set: AWS_ENDPOINT_URL=http://127.0.0.1:<port> (so the SDK calls back into this
    server, which is threaded), AWS_REGION, dummy credentials, AWS_LAMBDA_* names;
  * a thrown error becomes a Lambda function error (X-Amz-Function-Error: Unhandled,
    payload {"errorType", "errorMessage", "trace"}), as AWS returns it;
  * the function's stdout/stderr is appended to <state-dir>/logs/<function>.log, framed
    by platform.start and platform.report lines in the shape of Lambda's JSON log format
    (so a function that logs JSON gives a file that is JSON line by line), and to moto's
    CloudWatch Logs group.

It also corrects four moto Secrets Manager behaviours that differ from AWS (see
_patch_secretsmanager), and API Gateway API key tags, paging and usage plan membership
(see moto_patches/apigateway.py), and adds API Gateway usage counters: GetUsage,
UpdateUsage and simulated traffic (moto_patches/apigateway_usage.py). Only this file and moto_patches/ know moto internals;
they were read from moto 5.2.5 (moto/awslambda/models.py, moto/awslambda_simple/models.py,
moto/secretsmanager/models.py, moto/apigateway/) -- re-check them when bumping the pin.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from typing import Any

import moto_patches.apigateway  # next to this file (sys.path[0] when run as a script)
import moto_patches.apigateway_usage
import moto_patches.secretsmanager_lambda

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_RUNTIME = os.path.join(HERE, "node-runtime.cjs")
NODE = os.environ.get("KEYPLANE_NODE", "node")

# Set in main(); read by the patched invoke.
CONFIG: dict[str, Any] = {"host": "127.0.0.1", "port": 0, "state_dir": ""}

_code_lock = threading.Lock()
_log_locks: dict[str, threading.Lock] = {}
_log_locks_guard = threading.Lock()

# Per request thread: set while RotateSecret is running its steps (see below).
_rotation = threading.local()


def log(msg: str) -> None:
    print(f"[keyplane-local-aws] {msg}", flush=True)


# --------------------------------------------------------------------------- Lambda


def _code_dir(fn: Any) -> str:
    """Unpack the function's zip once per code sha256; return the task root."""
    code: bytes = fn.code_bytes or b""
    if not code:
        raise RuntimeError(
            f"function {fn.function_name} has no zip code (image functions are not supported)"
        )
    sha = hashlib.sha256(code).hexdigest()
    target = os.path.join(CONFIG["state_dir"], "code", sha)
    if os.path.isdir(target):
        return target
    with _code_lock:
        if not os.path.isdir(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            tmp = tempfile.mkdtemp(prefix=f"{sha[:12]}.", dir=os.path.dirname(target))
            with zipfile.ZipFile(io.BytesIO(code)) as zf:
                zf.extractall(tmp)  # extractall drops absolute paths and ".." parts
            os.rename(tmp, target)  # atomic: readers never see a half-unpacked dir
    return target


def _append_log(fn: Any, text: str) -> None:
    name = fn.function_name
    path = os.path.join(CONFIG["state_dir"], "logs", f"{name}.log")
    with _log_locks_guard:
        lock = _log_locks.setdefault(name, threading.Lock())
    with lock:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(text)


def _platform_line(kind: str, record: dict[str, Any]) -> str:
    """One platform event as Lambda's JSON log format writes it (type platform.<kind>)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
    return json.dumps({"time": now, "type": f"platform.{kind}", "record": record}) + "\n"


def _report(request_id: str, duration_ms: float, status: str, error: dict[str, Any] | None) -> str:
    record: dict[str, Any] = {
        "requestId": request_id,
        "metrics": {"durationMs": round(duration_ms, 1)},
        "status": status,
    }
    if error is not None:
        record["errorType"] = error.get("errorType")
        record["errorMessage"] = error.get("errorMessage")
    return _platform_line("report", record)


def run_function(fn: Any, event: Any) -> tuple[bytes, bool, str]:
    """Run the function's handler with node. Returns (payload, errored, log text)."""
    request_id = str(uuid.uuid4())
    timeout_s = float(fn.timeout or 3)
    started = time.time()
    env = {
        # What a process needs to run at all; nothing else of the host leaks in
        # (in particular no host AWS credentials or profiles).
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TZ": "UTC",
        # What the Lambda runtime sets.
        "AWS_REGION": fn.region,
        "AWS_DEFAULT_REGION": fn.region,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": str(fn.version),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{fn.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{request_id}",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
        "_HANDLER": fn.handler or "",
        # Read by node-runtime.cjs to build the context object.
        "KEYPLANE_LAMBDA_TIMEOUT_MS": str(int(timeout_s * 1000)),
        "KEYPLANE_LAMBDA_REQUEST_ID": request_id,
        "KEYPLANE_LAMBDA_FUNCTION_ARN": fn.function_arn,
    }
    env.update({k: str(v) for k, v in (fn.environment_vars or {}).items()})
    # The function divides its API Gateway pace among its reserved concurrency, for AWS's
    # account-wide quota (lambdas/rotation/pacing.ts). This server has no such quota and runs
    # every invocation in a fresh process, whose pacer would start each time with a burst of
    # one call: every further API Gateway call of an invocation would wait seconds. Here a
    # process paces at the function's whole share, as with the variable unset.
    env.pop("KEYPLANE_RESERVED_CONCURRENCY", None)
    # Always point the SDK at this server, whatever the function's environment says.
    env["AWS_ENDPOINT_URL"] = f"http://{CONFIG['host']}:{CONFIG['port']}"

    header = _platform_line("start", {"requestId": request_id, "version": str(fn.version)})
    try:
        task_root = _code_dir(fn)
    except Exception as err:  # bad zip, image function ...
        payload = {"errorType": "Runtime.InvalidCode", "errorMessage": str(err), "trace": []}
        _append_log(fn, header + _report(request_id, 0.0, "error", payload))
        return json.dumps(payload).encode(), True, str(err)
    env["LAMBDA_TASK_ROOT"] = task_root

    fd, result_file = tempfile.mkstemp(prefix="result.", suffix=".json")
    os.close(fd)
    out = ""
    try:
        proc = subprocess.Popen(
            [NODE, NODE_RUNTIME, task_root, fn.handler or "index.handler", result_file],
            cwd=task_root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # one interleaved log, like CloudWatch
            start_new_session=True,  # own process group: a timeout kills its children too
        )
        timed_out = False
        try:
            raw, _ = proc.communicate(json.dumps(event).encode(), timeout=timeout_s + 1)
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            raw, _ = proc.communicate()
        out = (raw or b"").decode("utf-8", "replace")
        outcome: dict[str, Any] | None = None
        if not timed_out:
            try:
                with open(result_file, encoding="utf-8") as f:
                    text = f.read()
                outcome = json.loads(text) if text else None
            except (OSError, ValueError):
                outcome = None
    finally:
        try:
            os.unlink(result_file)
        except OSError:
            pass

    duration_ms = (time.time() - started) * 1000
    if timed_out:
        payload = {
            "errorType": "Sandbox.Timedout",
            "errorMessage": f"RequestId: {request_id} Error: Task timed out after {timeout_s:.2f} seconds",
        }
        errored = True
    elif outcome is None:
        payload = {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: exit status {proc.returncode}",
        }
        errored = True
    elif outcome.get("ok"):
        payload = outcome.get("result")
        errored = False
    else:
        payload = {k: outcome.get(k) for k in ("errorType", "errorMessage", "trace")}
        errored = True

    try:  # also into moto's CloudWatch Logs, group /aws/lambda/<name>, as on AWS
        fn.logs_backend.ensure_log_group(fn.logs_group_name)
        fn.save_logs(out or "\n")
    except Exception as err:  # never fail an invoke over the log copy
        log(f"could not copy logs of {fn.function_name} to CloudWatch Logs: {err}")

    status = "timeout" if timed_out else "error" if errored else "success"
    body = out if out.endswith("\n") or not out else out + "\n"
    _append_log(fn, header + body + _report(request_id, duration_ms, status, payload if errored else None))
    return json.dumps(payload).encode("utf-8"), errored, out


def _patch_lambda() -> None:
    from moto.awslambda.models import LambdaBackend, LambdaFunction
    from moto.awslambda_simple.models import LambdaSimpleBackend

    def invoke(
        self: LambdaFunction, body: Any, request_headers: Any, response_headers: Any
    ) -> bytes:
        # Replaces LambdaFunction.invoke (the docker path). Every way into a function
        # ends here: LambdaBackend.invoke (Invoke API, RotateSecret, EventBridge
        # targets), InvokeAsync, S3/SNS/SQS notifications.
        event = json.loads(body) if body else {}
        if getattr(_rotation, "failed", False):
            # A previous step of this RotateSecret failed: AWS stops there.
            return b""
        payload, errored, logs = run_function(self, event)
        if errored:
            # A thrown error is an "Unhandled" function error on AWS (moto says "Handled").
            response_headers["x-amz-function-error"] = "Unhandled"
            if hasattr(_rotation, "failed"):
                _rotation.failed = True
        # moto's Invoke response drops this header unless X-Amz-Log-Type is Tail.
        tail = logs.encode("utf-8")[-4096:]
        response_headers["x-amz-log-result"] = base64.b64encode(tail).decode("ascii")
        return payload

    LambdaFunction.invoke = invoke  # type: ignore[method-assign]

    # With use_docker=false moto swaps in LambdaSimpleBackend, whose invoke returns the
    # event (or a canned result) without touching the function. Use the regular backend's
    # invoke, which looks the function up and calls LambdaFunction.invoke above.
    LambdaSimpleBackend.invoke = LambdaBackend.invoke  # type: ignore[method-assign]


# ----------------------------------------------------------------- Secrets Manager


def _patch_secretsmanager() -> None:
    """Make four moto behaviours match AWS.

    1. RotateSecret ran every step even after one failed, then pointed the secret's
       default version (what GetSecretValue returns without a stage) at the new
       AWSPENDING version regardless. AWS stops at the failed step and never moves
       AWSCURRENT itself: only the function's finishSecret does. Now: steps stop at the
       first function error, and the default version follows the AWSCURRENT label.
    2. UpdateSecretVersionStage moved the AWSCURRENT label but not the default version,
       so GetSecretValue without a stage kept returning the old value. Now it follows.
    3. RotateSecret refused to start ("Previous rotation request is still in progress")
       when AWSPENDING and AWSCURRENT label the same version. For AWS that is the state
       a finished rotation leaves behind (the rotation template never removes
       AWSPENDING), so the next rotation may start. Now the stale AWSPENDING label is
       dropped first, as AWS does when it starts a new rotation.
    4. RotateSecret without RotationLambdaARN ("rotate now", as `aws secretsmanager
       rotate-secret --secret-id X` or a schedule does) cleared the configured rotation
       function and then just relabelled an empty new version AWSCURRENT. AWS uses the
       configured function. Now the configured ARN is passed on.
    5. LastRotatedDate was set by every RotateSecret, failed or not. AWS sets it when "the
       Secrets Manager rotation process was successfully completed" (API reference,
       SecretListEntry): a failed rotation leaves it as it was. The rotation function's
       cool-down counts from it. Now a failed rotation restores the previous value.
    Not changed: RotateSecret still returns success when a step failed (AWS runs the
    steps asynchronously; callers see the outcome in VersionIdsToStages and the logs),
    and RotateSecret on a secret without any version still does nothing useful.
    """
    from moto.secretsmanager.models import SecretsManagerBackend

    def follow_current(secret: Any) -> None:
        for version_id, version in secret.versions.items():
            if "AWSCURRENT" in version["version_stages"]:
                secret.default_version_id = version_id
                return

    original_rotate = SecretsManagerBackend.rotate_secret

    def rotate_secret(self: Any, secret_id: str, **kwargs: Any) -> str:
        # (moto's responses.py passes every argument by keyword.)
        secret = self.secrets[secret_id] if self._is_valid_identifier(secret_id) else None
        if secret is not None:
            if not kwargs.get("rotation_lambda_arn") and secret.rotation_lambda_arn:
                kwargs["rotation_lambda_arn"] = secret.rotation_lambda_arn  # fix 4
            for version in secret.versions.values():
                stages = version["version_stages"]
                if "AWSPENDING" in stages and "AWSCURRENT" in stages:
                    stages.remove("AWSPENDING")
        _rotation.failed = False
        last_rotated = secret.last_rotation_date if secret is not None else None
        try:
            return original_rotate(self, secret_id, **kwargs)
        finally:
            failed = _rotation.failed
            del _rotation.failed
            if secret is not None:
                follow_current(secret)
                if failed:
                    secret.last_rotation_date = last_rotated  # fix 5

    original_update_stage = SecretsManagerBackend.update_secret_version_stage

    def update_secret_version_stage(self: Any, secret_id: str, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        result = original_update_stage(self, secret_id, *args, **kwargs)
        follow_current(self.secrets[secret_id])
        return result

    SecretsManagerBackend.rotate_secret = rotate_secret  # type: ignore[method-assign]
    SecretsManagerBackend.update_secret_version_stage = update_secret_version_stage  # type: ignore[method-assign]


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", required=True)
    args = parser.parse_args()

    CONFIG.update(host=args.host, port=args.port, state_dir=os.path.abspath(args.state_dir))
    os.makedirs(os.path.join(CONFIG["state_dir"], "logs"), exist_ok=True)
    # moto reads these to build endpoints it hands out (e.g. MOTO_HTTP_ENDPOINT).
    os.environ["MOTO_HOST"] = f"http://{args.host}"
    os.environ["MOTO_PORT"] = str(args.port)

    if shutil.which(NODE) is None:
        sys.exit(f"keyplane local AWS: '{NODE}' not found on PATH (needed to run Lambda code)")

    import moto
    from moto.core.config import default_user_config
    from moto.server import ThreadedMotoServer

    # Lambda without docker (same as POST /moto-api/config {"lambda":{"use_docker":false}}).
    default_user_config["lambda"]["use_docker"] = False
    _patch_lambda()
    _patch_secretsmanager()
    moto_patches.apigateway.patch()  # API keys: tags, paging, plan membership
    moto_patches.apigateway_usage.patch()  # GetUsage, UpdateUsage, simulated traffic
    moto_patches.secretsmanager_lambda.patch()  # rotation rules/enabled, Lambda DLQ, KMS key

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    log(f"moto {moto.__version__} listening on http://{args.host}:{args.port} (pid {os.getpid()})")
    stop.wait()
    log("stopping")
    t0 = time.time()
    server.stop()
    log(f"stopped in {time.time() - t0:.2f}s")
    # Skip interpreter shutdown, which waits seconds for idle keep-alive request threads;
    # moto's state is in memory only and every log file is already closed.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
