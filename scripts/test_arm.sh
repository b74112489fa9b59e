#!/usr/bin/env bash
# The aarch64 (arm-64-neon) cross build, its suite under qemu-aarch64, package and consumer: scripts/test_cross.sh
# aarch64 (build-aarch64, install-aarch64). Kept so that scripts/test_arm.sh goes on working.
exec "$(dirname "$0")/test_cross.sh" aarch64 "$@"
