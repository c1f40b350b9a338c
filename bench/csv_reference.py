"""The reference for nn's CSV loading in bench/data.ts: Python's csv module reading the same file
into float32 arrays (array('f') for the features, the labels as values), as a program without
pandas would. Prints {"seconds", "rows", "peakRss"} (bytes) as JSON."""

import array
import csv
import json
import resource
import sys
import time


def main():
    path, label = sys.argv[1], sys.argv[2]
    began = time.time()
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        at = header.index(label)
        features, labels = array.array("f"), array.array("f")
        for row in rows:
            labels.append(float(row[at]))
            features.extend(float(v) for k, v in enumerate(row) if k != at)
    seconds = time.time() - began
    print(json.dumps({"seconds": seconds, "rows": len(labels), "peakRss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


main()
