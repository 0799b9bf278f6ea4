#!/bin/sh
# A file inside the workspace, proposed as a host command in .vscode/host-commands.json. The container can
# rewrite it at any time, so an "always" approval holds only while its content stays as it was approved.
echo "hello, ${1:-world}, from a script in the workspace"
