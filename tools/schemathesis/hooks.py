"""Schemathesis hooks for searchd (loaded through SCHEMATHESIS_HOOKS).

POST /api/v1/documents also reads NDJSON; the spec gives that media type the
same schema as the JSON array, and this serializer writes one generated
item per line (anything that is not a list goes as one JSON line).
"""
import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    items = value if isinstance(value, list) else [value]
    lines = [json.dumps(v, ensure_ascii=False) for v in items]
    return {"data": ("\n".join(lines) + "\n").encode("utf-8")}
