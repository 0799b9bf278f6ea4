#!/bin/sh
# A file inside the workspace. Host commands never run files like this one unless the host user
# (or an approval on the host) says so.
echo "hello from the workspace"
