# The second engine of the PAC conformance test: Debian's python3-pacparser (SpiderMonkey) asked the same
# questions as g2probe. Names resolve through this system's resolver, which the test points at a table.
# Usage: python3 pac-second-engine.py INPUT_JSON   ({"client": IP, "pacs": [{"name", "path"}], "questions": [{"url", "host"}]})
# Prints {name: {"load": error} | {"answers": [{"text": …} | {"error": …}]}} as JSON.
import json
import sys

import pacparser

spec = json.load(open(sys.argv[1]))
out = {}
for pac in spec["pacs"]:
    pacparser.init()
    # Chromium and Windows always define the …Ex helpers; so does g2probe.
    pacparser.enable_microsoft_extensions()
    pacparser.setmyip(spec["client"])
    try:
        pacparser.parse_pac_file(pac["path"])
    except Exception as err:
        out[pac["name"]] = {"load": str(err)}
        pacparser.cleanup()
        continue
    answers = []
    for q in spec["questions"]:
        try:
            answers.append({"text": pacparser.find_proxy(q["url"], q["host"])})
        except Exception as err:
            answers.append({"error": str(err)})
    out[pac["name"]] = {"answers": answers}
    pacparser.cleanup()
json.dump(out, sys.stdout)
