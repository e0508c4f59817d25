"""The raw results of a benchmark run: one JSON object per line, appended by each measurement
script (run.sh points them all at WORK/raw.jsonl) and read back by report.py."""

import json


def add_arguments(ap):
    """The options every measurement script takes."""
    ap.add_argument("--run", type=int, default=1, help="the run number, for the results")
    ap.add_argument("--json", help="append the result to this file as one JSON line "
                                   "(default: print it)")


def emit(result, path):
    """Appends `result` to the raw results at `path`, or prints it when `path` is None."""
    line = json.dumps(result)
    if path:
        with open(path, "a") as f:
            f.write(line + "\n")
    else:
        print(line)


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
