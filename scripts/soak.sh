#!/usr/bin/env bash
# Soak: apply → update → plan → destroy cycles of examples/basic against the test bed's
# AWS-behaviour layer with faults on. One line per cycle, then a summary (failures, duplicates,
# objects left); stops by itself after --max-minutes. Prerequisite: ./scripts/setup.sh.
#
#   scripts/soak.sh [--cycles 10] [--seed 1] [--throttle 0.2] [--server-error 0.05]
#                   [--cut-before 0.02] [--lost-response 0.01] [--latency-ms 50]
#                   [--cli 1.15|1.0] [--max-minutes 60]
set -euo pipefail
cd "$(dirname "$0")/.."

while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) export SOAK_CYCLES=$2 ;;
    --seed) export SOAK_SEED=$2 ;;
    --throttle) export SOAK_THROTTLE=$2 ;;
    --server-error) export SOAK_SERVER_ERROR=$2 ;;
    --cut-before) export SOAK_CUT_BEFORE=$2 ;;
    --lost-response) export SOAK_LOST_RESPONSE=$2 ;;
    --latency-ms) export SOAK_LATENCY_MS=$2 ;;
    --cli) export SOAK_CLI=$2 ;;
    --max-minutes) export SOAK_MAX_MINUTES=$2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done

# The whole run is bounded: the test stops starting cycles after --max-minutes, and this
# timeout ends it one hour after that whatever happens.
limit=$(( ${SOAK_MAX_MINUTES:-60} + 60 ))
exec timeout "${limit}m" cargo nextest run -p terraform-provider-vault --test e2e \
  --run-ignored ignored-only --no-capture soak_from_environment
