"""Start Ralph's LRS API with its file-system backend (run by lrs_ralph.py with Ralph's own
Python, never the app's).

One adjustment, and why: Ralph 5.1.0's file-system LRS backend writes each POST with the
"create" operation, which refuses to touch its statements file once it exists, so every
POST after the first answers 500 ("already exists and overwrite is not allowed"). An LRS
must keep adding statements, so the backend's default operation becomes "append". Nothing
else changes: validation, de-duplication by id, 409 on conflicts, auth and paging are
Ralph's own.
"""

import argparse

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run("ralph.api:app", host=args.host, port=args.port, log_level="warning", workers=1)
