"""Ralph 5.1.0 as a local LRS for the push test: the file backend, Basic auth, 127.0.0.1 only.

Usage: RALPH_* settings in the environment (see tests/api/lrs_push.rs), then `python run_ralph.py PORT`.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

# Ralph 5.1.0's file backend answers 500 to every write after the first unless it appends.
FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
