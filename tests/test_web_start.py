"""The first requests after `consolidate serve` starts answer as fast as the next ones: nothing
is left for them to load (consolidate/web/server.py ``warm``).

Checked structurally, not timed: `server.run` is started in a fresh interpreter with waitress's
server replaced by one that, when serving begins, sends a unit's upload (the JSON contract) and
its page through the very application waitress would be given, and reports which modules those
requests imported and which templates they compiled. Both must be none: an import or a
template compiled on the first upload is what made the first answer slow.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from web_support import multipart, setup_round, workbook

PROBE = r'''
import io, json, sys
from pathlib import Path
import waitress.server

link, body, content_type = sys.argv[2], Path(sys.argv[3]).read_bytes(), sys.argv[4]


class Probe:
    effective_port = 0

    def __init__(self, app, **options):
        self.app = app

    def call(self, method, body=b"", content_type="", accept="application/json"):
        environ = {"REQUEST_METHOD": method, "PATH_INFO": link, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
                   "HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT": accept, "CONTENT_TYPE": content_type,
                   "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
                   "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
                   "wsgi.multiprocess": False, "wsgi.run_once": False}
        status = []
        b"".join(self.app(environ, lambda s, h, e=None: status.append(s)))
        return int(status[0].split()[0])

    def run(self):
        import threading
        from django.template import engines

        for thread in threading.enumerate():  # what the server warms in the background is not the requests'
            if thread.name == "warm-checks":
                thread.join()

        loader = engines["django"].engine.template_loaders[0]
        modules, templates = set(sys.modules), set(loader.get_template_cache)
        answers = [self.call("POST", body, content_type), self.call("GET", accept="text/html")]
        print(json.dumps({"answers": answers, "modules": sorted(set(sys.modules) - modules),
                          "templates": sorted(set(loader.get_template_cache) - templates)}))
        raise KeyboardInterrupt

    def close(self):
        pass


waitress.server.create_server = Probe
from consolidate.web.server import run

run(data=Path(sys.argv[1]), database=None, host="127.0.0.1", port=0, threads=1, announce=lambda url, folder: None,
    workers=0)
'''


def test_serving_begins_with_nothing_left_for_the_first_upload_to_load(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _, _, paths, units = setup_round(data, None, 1)
    unit = units.units[0]
    body, content_type = multipart(workbook(unit))
    upload = tmp_path / "upload.bin"
    upload.write_bytes(body)
    done = subprocess.run([sys.executable, "-c", PROBE, str(data), paths[unit.code], str(upload), content_type],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["answers"] == [202, 200]  # the upload was taken (queued) and the page shows it
    assert found["modules"] == [], found["modules"]
    assert found["templates"] == []
