// Structured logs: one JSON object per line, with the step, secret ARN, token and outcome.
//
// Nothing logged may contain a secret value. Two rules make that hold:
// - callers pass only stage names, error codes and fixed sentences, never a secret or its parts;
// - every free-text field still goes through the Redactor, which knows each secret value this
//   invocation has read or generated (raw, JSON-escaped and SQL-escaped), because error texts
//   from drivers and parsers sometimes echo their input.
import mysql from 'mysql2/promise';

const REDACTED = '[redacted]';

export class Redactor {
  #values = new Set();

  add(value) {
    if (typeof value !== 'string' || value.length === 0) return;
    this.#values.add(value);
    this.#values.add(JSON.stringify(value).slice(1, -1));
    this.#values.add(mysql.escape(value).slice(1, -1));
  }

  redact(text) {
    let out = String(text);
    const longestFirst = [...this.#values].sort((a, b) => b.length - a.length);
    for (const value of longestFirst) {
      if (value.length > 0) out = out.split(value).join(REDACTED);
    }
    return out;
  }
}

// An error whose message is safe to log and to hand back to Secrets Manager: built only from
// fixed sentences, stage names and error codes. `code` names the failure for people and machines.
export class RotationError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'RotationError';
    this.code = code;
  }
}

export function createLogger({ write, redactor, fields }) {
  const emit = (level, outcome, message, extra = {}) => {
    const entry = {
      time: new Date().toISOString(),
      level,
      ...fields,
      outcome,
      message: redactor.redact(message),
    };
    for (const [key, value] of Object.entries(extra)) {
      if (value !== undefined) entry[key] = typeof value === 'string' ? redactor.redact(value) : value;
    }
    write(`${redactor.redact(JSON.stringify(entry))}\n`);
  };
  return {
    info: (outcome, message, extra) => emit('info', outcome, message, extra),
    warn: (outcome, message, extra) => emit('warn', outcome, message, extra),
    error: (outcome, message, extra) => emit('error', outcome, message, extra),
  };
}
