#!/bin/sh
# A C compiler that never finishes (issue 13 §2 tests): it starts a
# grandchild as cc1 would, records both pids in $FAKE_CC_PIDS and waits.
sleep 300 &
echo "$$ $!" >> "$FAKE_CC_PIDS"
wait
