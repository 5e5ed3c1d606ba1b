#!/usr/bin/python3
"""A small scoring service for mgate's HTTP scorer tests (docs/serving.md).

Serves a logistic model read from a linear JSON model file
(fixtures/models/linear/logistic.json) in one protocol:

  jsonl   GET /score -> description line; POST /score: {"batch": N} + N lines
          -> N lines {"id", "prediction"} or {"id", "error"} (mgate's own)
  v2      POST /v2/models/logistic/infer (Open Inference Protocol)
  v1      POST /v1/models/logistic:predict (KServe v1 / TF Serving)
  mlflow  POST /invocations with dataframe_split (MLflow scoring server)

GET /health answers 200 once the service is ready (after --ready-delay).

Faults, to test that mgate reports them: --slow S (sleep S s per request),
--unavailable N (the first N scoring requests answer 503, then all is well),
--fail-every N (every Nth scoring request answers 500), --close (close the
connection without answering), --garbage (200 with a body that is not the
protocol's), --short (one prediction too few), --hang (never answer).

--port 0 (or PORT=0) binds a free port; the port is printed on stdout as
"listening on 127.0.0.1:PORT".  --pid-file F writes the process id to F.
Standard library only: http.server's ThreadingHTTPServer.
"""
import argparse
import json
import math
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Model:
    def __init__(self, path):
        with open(path) as f:
            m = json.load(f)
        self.features, self.weights, self.bias = m["features"], m["weights"], m["bias"]
        self.missing_is_zero = m.get("missing") == "zero"

    def score(self, values):
        """values in feature order; returns (probability, None) or (None, why)."""
        z = self.bias
        for name, w, v in zip(self.features, self.weights, values):
            if v is None and self.missing_is_zero:
                v = 0.0
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                return None, "feature '%s': %s" % (name, "missing" if v is None else "not a number")
            z += v * w
        try:
            return 1.0 / (1.0 + math.exp(-z)), None
        except OverflowError:  # exp(-z) beyond a double: C gives 1/inf = 0
            return 0.0, None


class Refused(Exception):
    """A request the service refuses as a whole (HTTP 400)."""


def score_rows(model, rows):
    out = []
    for values in rows:
        if len(values) != len(model.features):
            raise Refused("expected %d features per row, found %d" % (len(model.features), len(values)))
        p, why = model.score(values)
        if why:
            raise Refused(why)
        out.append(p)
    return out


def jsonl_reply(model, body):
    lines = [json.loads(x) for x in body.decode().splitlines() if x.strip()]
    replies = []
    for req in lines[1:]:
        p, why = model.score([req["features"].get(n) for n in model.features])
        replies.append({"id": req["id"], "error": why} if why else {"id": req["id"], "prediction": p})
    return "".join(json.dumps(r) + "\n" for r in replies), len(replies)


def v2_reply(model, body):
    inp = json.loads(body)["inputs"][0]
    n, k = inp["shape"]
    data = inp["data"]
    preds = score_rows(model, [data[i * k:(i + 1) * k] for i in range(n)])
    return json.dumps({"model_name": "logistic", "outputs": [
        {"name": "probability", "shape": [n, 1], "datatype": "FP64", "data": preds}]}), n


def v1_reply(model, body):
    preds = score_rows(model, json.loads(body)["instances"])
    return json.dumps({"predictions": preds}), len(preds)


def mlflow_reply(model, body):
    frame = json.loads(body)["dataframe_split"]
    index = {c: i for i, c in enumerate(frame["columns"])}
    rows = [[row[index[n]] if n in index else None for n in model.features] for row in frame["data"]]
    preds = score_rows(model, rows)
    return json.dumps({"predictions": preds}), len(preds)


PROTOCOLS = {
    "jsonl": ("/score", jsonl_reply),
    "v2": ("/v2/models/logistic/infer", v2_reply),
    "v1": ("/v1/models/logistic:predict", v1_reply),
    "mlflow": ("/invocations", mlflow_reply),
}


def make_handler(args, model):
    path, reply = PROTOCOLS[args.protocol]
    state = {"requests": 0, "ready_at": time.monotonic() + args.ready_delay}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms ACK wait

        def log_message(self, fmt, *a):  # quiet: mgate's tests read stderr
            pass

        def send(self, status, text, ctype="application/json"):
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                if time.monotonic() < state["ready_at"]:
                    return self.send(503, '{"status": "starting"}')
                return self.send(200, '{"status": "ready"}')
            if args.protocol == "jsonl" and self.path == path:
                return self.send(200, json.dumps({"features": model.features, "task": "binary",
                                                  "objective": "logistic (HTTP)"}) + "\n")
            self.send(404, '{"error": "no such path"}')

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path != path:
                return self.send(404, '{"error": "no such path: %s"}' % self.path)
            with lock:
                state["requests"] += 1
                nth = state["requests"]
            if args.hang:
                time.sleep(3600)
            if args.slow:
                time.sleep(args.slow)
            if args.close:
                self.close_connection = True
                return
            if nth <= args.unavailable:
                return self.send(503, "starting up, try again\n", "text/plain")
            if args.fail_every and nth % args.fail_every == 0:
                return self.send(500, "internal error: injected failure %d\n" % nth, "text/plain")
            if args.garbage:
                return self.send(200, "<html>this is not a prediction</html>\n", "text/html")
            try:
                text, n = reply(model, body)
            except Refused as e:
                return self.send(400, json.dumps({"error": str(e)}))
            except (ValueError, KeyError, TypeError, IndexError) as e:
                return self.send(400, json.dumps({"error": "bad request: %r" % e}))
            if args.short:
                text = short_of_one(args.protocol, text)
            self.send(200, text)

    return Handler


def short_of_one(protocol, text):
    """The same answer with the last prediction dropped."""
    if protocol == "jsonl":
        return "".join(text.splitlines(True)[:-1])
    doc = json.loads(text)
    if protocol == "v2":
        out = doc["outputs"][0]
        out["data"] = out["data"][:-1]
        out["shape"] = [out["shape"][0] - 1, 1]
    else:
        doc["predictions"] = doc["predictions"][:-1]
    return json.dumps(doc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--protocol", choices=sorted(PROTOCOLS), default="jsonl")
    ap.add_argument("--model", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "../../fixtures/models/linear/logistic.json"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")))
    ap.add_argument("--pid-file")
    ap.add_argument("--ready-delay", type=float, default=0.0)
    ap.add_argument("--slow", type=float, default=0.0)
    ap.add_argument("--fail-every", type=int, default=0)
    ap.add_argument("--unavailable", type=int, default=0, help="the first N scoring requests answer 503")
    for flag in ("close", "garbage", "short", "hang"):
        ap.add_argument("--" + flag, action="store_true")
    args = ap.parse_args()
    model = Model(args.model)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args, model))
    server.daemon_threads = True
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write("%d\n" % os.getpid())
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
