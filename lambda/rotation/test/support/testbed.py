"""Test-only: a moto Secrets Manager and a throwaway MariaDB on free loopback ports.

Run with the test bed's venv python (it needs moto). When both servers are ready it prints one
JSON line on stdout: {"endpoint": "http://127.0.0.1:PORT", "db": {"host", "port", "socket"}}.
It stops both (and deletes the MariaDB data directory) when its stdin closes or it gets SIGTERM
or SIGINT, so a test process that dies, however it dies, leaves nothing running.

moto is corrected in one place: RotateSecret. Secrets Manager starts a rotation by creating the
token's version *without a value*, labelled AWSPENDING, and then invokes the rotation function,
whose createSecret finds no pending value and generates a password. moto instead either copies the
current value into that version (RotateImmediately=false), or looks up and "invokes" a Lambda
function it cannot run, and checks "a previous rotation is in progress" the wrong way round. Here
RotateSecret records the rotation configuration and creates the empty AWSPENDING version; the
tests then play the part of Secrets Manager and call the handler for each step.
"""

import ctypes
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from moto.secretsmanager.exceptions import (
    InvalidRequestException,
    SecretNotFoundException,
)
from moto.secretsmanager.models import SecretsManagerBackend
from moto.server import ThreadedMotoServer

PR_SET_PDEATHSIG = 1


def rotate_secret_as_aws_does(
    self,
    secret_id,
    client_request_token=None,
    rotation_lambda_arn=None,
    rotation_rules=None,
    rotate_immediately=True,
):
    if not self._is_valid_identifier(secret_id):
        raise SecretNotFoundException()
    secret = self.secrets[secret_id]
    if secret.is_deleted():
        raise InvalidRequestException(
            "You can't perform this operation on the secret because it was marked for deletion."
        )
    # AWS refuses a new rotation while AWSPENDING sits on a version other than AWSCURRENT.
    for version in secret.versions.values():
        stages = version["version_stages"]
        if "AWSPENDING" in stages and "AWSCURRENT" not in stages:
            raise InvalidRequestException(
                "A previous rotation isn't complete. That rotation will be reattempted."
            )

    if rotation_lambda_arn:
        secret.rotation_lambda_arn = rotation_lambda_arn
    if rotation_rules and "AutomaticallyAfterDays" in rotation_rules:
        days = int(rotation_rules["AutomaticallyAfterDays"])
        secret.auto_rotate_after_days = days
        secret.next_rotation_date = int(time.time()) + days * 86400
    secret.rotation_requested = True
    secret.rotation_enabled = True

    version_id = None
    if rotate_immediately:
        version_id = client_request_token or str(uuid.uuid4())
        self._client_request_token_validator(version_id)
        secret.remove_version_stages_from_old_versions(["AWSPENDING"])
        secret.versions[version_id] = {
            "createdate": int(time.time()),
            "version_id": version_id,
            "version_stages": ["AWSPENDING"],
        }
        secret.last_rotation_date = int(time.time())
    return json.dumps(
        {"ARN": secret.arn, "Name": secret.name, **({"VersionId": version_id} if version_id else {})}
    )


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_program(*names):
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/usr/bin:/usr/local/sbin:/sbin"
    for name in names:
        found = shutil.which(name, path=path)
        if found:
            return found
    raise SystemExit(f"testbed: none of {names} found; install mariadb-server (scripts/setup.sh)")


def die_with_parent():
    # The server must not outlive this supervisor, even if the supervisor is SIGKILLed.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class MariaDb:
    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="vault-rotation-mariadb-")
        self.socket = os.path.join(self.base, "mysqld.sock")
        self.process = None
        self.port = None
        self.as_root = os.geteuid() == 0

    def start(self):
        data, tmp = os.path.join(self.base, "data"), os.path.join(self.base, "tmp")
        os.makedirs(data)
        os.makedirs(tmp)
        user_args = []
        if self.as_root:
            shutil.chown(self.base, "mysql")
            for d in (data, tmp):
                shutil.chown(d, "mysql")
            user_args = ["--user=mysql"]
        install = subprocess.run(
            [find_program("mariadb-install-db", "mysql_install_db"), "--no-defaults", *user_args,
             f"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        if install.returncode != 0:
            raise SystemExit(f"testbed: mariadb-install-db failed:\n{install.stdout}")
        for _ in range(3):
            self.port = free_port()
            self.process = subprocess.Popen(
                [find_program("mariadbd", "mysqld"), "--no-defaults", *user_args,
                 f"--datadir={data}", f"--tmpdir={tmp}", f"--socket={self.socket}",
                 f"--pid-file={os.path.join(self.base, 'mysqld.pid')}",
                 "--bind-address=127.0.0.1", f"--port={self.port}", "--skip-name-resolve",
                 "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0",
                 f"--log-error={os.path.join(self.base, 'error.log')}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=die_with_parent,
            )
            if self._wait_ready():
                return
            self._kill()
        raise SystemExit("testbed: mariadbd did not start:\n" + self._error_log())

    def _wait_ready(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if os.path.exists(self.socket):
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                        if s.recv(1):
                            return True
                except OSError:
                    pass
            time.sleep(0.1)
        return False

    def _error_log(self):
        try:
            with open(os.path.join(self.base, "error.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def _kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            subprocess.run(
                [find_program("mariadb-admin", "mysqladmin"), f"--socket={self.socket}", "-uroot",
                 "shutdown"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30,
            )
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._kill()
        shutil.rmtree(self.base, ignore_errors=True)


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    SecretsManagerBackend.rotate_secret = rotate_secret_as_aws_does

    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())

    def wait_for_stdin_close():
        while sys.stdin.buffer.read(4096):
            pass
        stopping.set()

    threading.Thread(target=wait_for_stdin_close, daemon=True).start()

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    db = MariaDb()
    try:
        moto.start()
        db.start()
        if stopping.is_set():
            return
        host, port = moto.get_host_and_port()
        print(json.dumps({
            "endpoint": f"http://{host}:{port}",
            "db": {"host": "127.0.0.1", "port": db.port, "socket": db.socket},
        }), flush=True)
        while not stopping.wait(0.5):
            pass
    finally:
        db.stop()
        moto.stop()


if __name__ == "__main__":
    main()
