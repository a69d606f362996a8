// A case waits out injected timeouts, SDK backoff and pacing; the soak states its own bound.
jest.setTimeout(120_000);
