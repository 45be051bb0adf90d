// Structured JSON logs (pino) with credentials and personal fields redacted wherever they appear.
import { pino, type Logger } from 'pino';

/** Creates the service logger; anything that looks like a secret is censored before it is written. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'datacoop' },
    redact: {
      paths: [
        'password',
        '*.password',
        'refreshToken',
        '*.refreshToken',
        'accessToken',
        '*.accessToken',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'req.headers.authorization',
        'email',
        '*.email',
        'masterKey',
        '*.masterKey',
      ],
      censor: '[redacted]',
    },
  });
}
